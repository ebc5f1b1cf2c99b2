"""Extract ROUGE-1.5.5's WordNet exception list into the text file sumbench ships.

Why: ``-m`` in ROUGE-1.5.5 first looks every lower-cased token up in
``data/WordNet-2.0.exc.db``, a Berkeley DB hash that Python's ``dbm`` cannot
open. Rebuilding the table from the ``.exc`` text files gives different entries
(the original build kept the last value per word in ``readdir`` order), so the
only faithful source is the ``.db`` itself. This script has Perl's ``DB_File``
(the module the ROUGE script itself ties the file with) dump every pair, keeps
the keys a token can ever reach (``[a-z0-9]+`` longer than 3 characters: the
script only stems such tokens) and writes them sorted, one ``key value`` pair a
line, under a header that names the source and its SHA-256.

Usage::

    python scripts/build_wordnet_exceptions.py \
        [--db /work/shared/tools/ROUGE-1.5.5/data/WordNet-2.0-Exceptions/WordNet-2.0.exc.db] \
        [--out benchmark/metrics/rouge155/data/wordnet-2.0-exceptions.txt]

Needs ``perl`` with ``DB_File`` (Debian: part of ``perl``) at build time only.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark.errors import InputError  # noqa: E402
from benchmark.files import write_text_atomic  # noqa: E402

DEFAULT_DB = Path("/work/shared/tools/ROUGE-1.5.5/data/WordNet-2.0-Exceptions/WordNet-2.0.exc.db")
DEFAULT_OUT = ROOT / "benchmark" / "metrics" / "rouge155" / "data" / "wordnet-2.0-exceptions.txt"

# Tie the hash read-only, exactly as ROUGE-1.5.5.pl does, and print key\tvalue pairs.
_DUMP = (
    "use strict; use DB_File; use Fcntl;"
    "my %h; tie(%h, 'DB_File', $ARGV[0], O_RDONLY, 0440, $DB_HASH)"
    " or die qq(cannot tie $ARGV[0]\\n);"
    "while (my ($k, $v) = each %h) { print qq($k\\t$v\\n); }"
)
_REACHABLE = re.compile(r"[a-z0-9]{4,}")


def dump_db(db: Path) -> dict[str, str]:
    """All key/value pairs of the Berkeley DB hash, read through Perl's DB_File."""
    if not db.is_file():
        raise InputError("WordNet exception database not found", path=db)
    proc = subprocess.run(["perl", "-e", _DUMP, str(db)], capture_output=True, check=False)
    if proc.returncode != 0:
        raise InputError(
            f"perl could not read the database: {proc.stderr.decode(errors='replace').strip()}",
            path=db,
        )
    pairs: dict[str, str] = {}
    for lineno, raw in enumerate(proc.stdout.decode("latin-1").split("\n"), start=1):
        if not raw:
            continue
        key, sep, value = raw.partition("\t")
        if not sep:
            raise InputError("dump line without a tab", path=db, line=lineno)
        pairs[key] = value
    return pairs


def render(pairs: dict[str, str], db: Path) -> tuple[str, int]:
    """The shipped file's text and how many pairs it keeps."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    kept = sorted((k, v) for k, v in pairs.items() if _REACHABLE.fullmatch(k))
    for k, v in kept:
        if not v or any(ch.isspace() for ch in v):
            raise InputError(f"value {v!r} of key {k!r} is empty or has white space", path=db)
    header = [
        "# WordNet 2.0 exception list as ROUGE-1.5.5 uses it (-m), one 'token base' pair a line.",
        f"# Extracted from {db.name} (sha256 {digest}) by scripts/build_wordnet_exceptions.py.",
        f"# {len(pairs)} pairs in the database; {len(kept)} kept (keys matching [a-z0-9]{{4,}}).",
        "# WordNet 2.0, Copyright 2003 by Princeton University (WordNet licence).",
    ]
    body = [f"{k} {v}" for k, v in kept]
    return "\n".join(header + body) + "\n", len(kept)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: dump, filter, write atomically, report counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    pairs = dump_db(args.db)
    text, kept = render(pairs, args.db)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out, text)
    print(f"{len(pairs)} pairs read, {kept} written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
