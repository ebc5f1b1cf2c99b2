"""Test helper: run the original ROUGE-1.5.5.pl on given texts and read its ``-d`` scores.

Why: the Perl is the oracle for the ``rouge155`` profile. All evaluations go into
one config.xml (SPL format, one sentence per line) so a whole test batch costs one
Perl start. The Perl needs XML::DOM and a data directory whose
``WordNet-2.0.exc.db`` is the real Berkeley DB (the shared copy stores the symlink
as a small text file), so a private data directory is assembled here.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from conftest import SEEDS, SHARED

from benchmark.metrics.rouge155.stemmer import wordnet_exceptions

ROUGE_HOME = Path(os.environ.get("ROUGE155_HOME", SHARED / "tools" / "ROUGE-1.5.5"))
SCRIPT = ROUGE_HOME / "ROUGE-1.5.5.pl"
_LINE = re.compile(
    r"^X (ROUGE-\S+) Eval (\d+)\.X R:([0-9.]+) P:([0-9.]+) F:([0-9.]+)$", re.MULTILINE
)


def perl_missing() -> str | None:
    """Why the Perl cannot run here, or None when it can."""
    if shutil.which("perl") is None:
        return "perl is not installed"
    if not SCRIPT.is_file():
        return f"{SCRIPT} not found"
    probe = subprocess.run(
        ["perl", "-MXML::DOM", "-MDB_File", "-e", "1"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return "Perl module XML::DOM or DB_File missing (apt-get install libxml-dom-perl)"
    return None


def _data_dir(root: Path) -> Path:
    data = root / "rouge-data"
    data.mkdir(exist_ok=True)
    source = ROUGE_HOME / "data"
    shutil.copyfile(source / "smart_common_words.txt", data / "smart_common_words.txt")
    db = source / "WordNet-2.0-Exceptions" / "WordNet-2.0.exc.db"
    target = data / "WordNet-2.0.exc.db"
    if not target.exists():
        target.symlink_to(db)
    return data


def _write(path: Path, text: str) -> None:
    # Bytes as given: the Perl reads its files byte by byte, one sentence per line.
    path.write_bytes(text.encode("utf-8"))


def _rouge_key(tag: str) -> str:
    """'ROUGE-1' -> 'rouge1', 'ROUGE-SU4' -> 'rougeSU4', 'ROUGE-W-1.2' -> 'rougeW1.2'."""
    return "rouge" + tag[len("ROUGE-") :].replace("-", "", 1)


def run_perl_rouge(
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    options: str,
    workdir: Path,
) -> list[dict[str, float]]:
    """Per-example scores (keys like ``rouge1_r``) the Perl prints with ``-d`` for ``options``."""
    workdir.mkdir(parents=True, exist_ok=True)
    data = _data_dir(workdir)
    peers, models = workdir / "peers", workdir / "models"
    peers.mkdir(exist_ok=True)
    models.mkdir(exist_ok=True)
    evals = []
    for i, (pred, refs) in enumerate(zip(predictions, references, strict=True), start=1):
        _write(peers / f"{i}.X", pred)
        model_tags = []
        for j, ref in enumerate(refs):
            name = f"{i}.{chr(65 + j)}"
            _write(models / name, ref)
            model_tags.append(f'<M ID="{chr(65 + j)}">{escape(name)}</M>')
        evals.append(
            f'<EVAL ID="{i}">\n<PEER-ROOT>{escape(str(peers))}</PEER-ROOT>\n'
            f"<MODEL-ROOT>{escape(str(models))}</MODEL-ROOT>\n"
            '<INPUT-FORMAT TYPE="SPL"></INPUT-FORMAT>\n'
            f'<PEERS><P ID="X">{i}.X</P></PEERS>\n<MODELS>{"".join(model_tags)}</MODELS>\n</EVAL>'
        )
    config = workdir / "config.xml"
    config.write_text('<ROUGE-EVAL version="1.0">\n' + "\n".join(evals) + "\n</ROUGE-EVAL>\n")
    cmd = ["perl", str(SCRIPT), "-e", str(data), *options.split(), "-r", "1", "-d", "-a"]
    proc = subprocess.run([*cmd, str(config)], capture_output=True, check=False, cwd=workdir)
    if proc.returncode != 0:
        raise RuntimeError(
            f"ROUGE-1.5.5 failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}"
        )
    out: list[dict[str, float]] = [{} for _ in predictions]
    for tag, eval_id, r, p, f in _LINE.findall(proc.stdout.decode()):
        key = _rouge_key(tag)
        out[int(eval_id) - 1].update(
            {f"{key}_r": float(r), f"{key}_p": float(p), f"{key}_f": float(f)}
        )
    return out


# Loads the script's own MorphStem/stem/initialise subs (cut from the script's text, since
# requiring the script would run it), ties the exception DB as the script does, and maps
# every line of stdin through MorphStem with the script's length rule (> 3 characters).
_STEM_PROGRAM = r"""
use DB_File; use Fcntl;
my ($script, $db) = @ARGV[0, 1];
open(my $fh, '<', $script) or die "cannot read $script";
my $src = do { local $/; <$fh> };
my ($morph) = $src =~ /(sub MorphStem \{.*?\n\}\n)/s or die "MorphStem not found";
my ($porter) = $src =~ /(local %step2list;.*)\z/s or die "stemmer not found";
eval "$morph\n$porter\n1;" or die $@;
tie(%exceptiondb, 'DB_File', $db, O_RDONLY, 0440, $DB_HASH) or die "cannot tie $db";
initialise();
while (my $w = <STDIN>) {
  chomp $w;
  print length($w) > 3 ? MorphStem($w) : $w, "\n";
}
"""


def perl_stems(words: Sequence[str]) -> list[str]:
    """What ROUGE-1.5.5's ``-m`` maps each (lower-case ASCII) word to, computed by its own code."""
    db = ROUGE_HOME / "data" / "WordNet-2.0-Exceptions" / "WordNet-2.0.exc.db"
    proc = subprocess.run(
        ["perl", "-e", _STEM_PROGRAM, str(SCRIPT), str(db)],
        input=("\n".join(words) + "\n").encode("ascii"),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"Perl stemmer failed: {proc.stderr.decode()[-2000:]}")
    out = proc.stdout.decode("ascii").split("\n")[: len(words)]
    if len(out) != len(words):
        raise RuntimeError("Perl stemmer returned fewer words than it was given")
    return out


# --- generated texts (shared by the tests and the agreement report)


def _vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += path.read_text(encoding="utf-8").split()
    rng = random.Random(7)
    exceptions = sorted(wordnet_exceptions())
    words += rng.sample(exceptions, 300)  # inflected forms only the exception list stems right
    words += ["agreement", "agreements", "generalizations", "departmental", "happy", "Yelling"]
    words += ["don't", "well-known", "U.S.", "1990s", "$100", "2,000", "3.5", "--", "(", ");"]
    words += ["café", "naïve", "Москва", "Αθήνα", "北京", "e-mail", "x", "THE", "The", "And"]
    words += ["voilà", "Åsa", "…", "two\u00a0three", "a\x0bb", "c\x0cd", "e\u2028f"]
    return words


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(1, 14))]
    if rng.random() < 0.3:
        words[0] = words[0].capitalize()
    text = " ".join(words) + rng.choice([".", "!", "?", "", " ."])
    return rng.choice(["", "", "", " ", "\t"]) + text + rng.choice(["", "", " ", "\r"])


def _summary(rng: random.Random, vocab: list[str], base: list[str] | None = None) -> str:
    if base is not None:  # a reference that overlaps the prediction: shuffle, drop, replace
        lines = [line for line in base if rng.random() < 0.8]
        lines = [
            " ".join(w if rng.random() < 0.7 else rng.choice(vocab) for w in line.split())
            for line in lines
        ]
        rng.shuffle(lines)
        lines.append(_sentence(rng, vocab))
    else:
        lines = [_sentence(rng, vocab) for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.15:
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["", " "]))
    return "\n".join(lines) + rng.choice(["", "\n"])


def generated(seed: int, count: int = 30) -> tuple[list[str], list[list[str]]]:
    """Predictions and 1-4 references each; every reference keeps a plain English word."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    predictions: list[str] = []
    references: list[list[str]] = []
    for i in range(count):
        pred = _summary(rng, vocab) if i else ""  # the first prediction is empty
        base = pred.split("\n")
        refs = [
            (_summary(rng, vocab, base) if rng.random() < 0.7 else _summary(rng, vocab)) + " summit"
            for _ in range(rng.randint(1, 4))
        ]
        predictions.append(pred)
        references.append(refs)
    return predictions, references


# Option sets the tests and the agreement report run through both implementations.
CONFIGS = [
    "-n 2 -2 4 -u -f A -p 0.5",
    "-n 4 -m -a -c 95 -r 1000 -f A -p 0.5 -t 0 -2 4 -u",
    "-n 2 -m -s -2 4 -u -f A",
    "-n 2 -m -f B -p 0.3 -2 4 -u",
    "-n 2 -s -f B -2 4 -u",
    "-n 2 -m -l 20 -2 4 -u -f A",
    "-n 2 -m -s -l 12 -f B -2 4 -u",
    "-n 2 -m -b 75 -f A -2 4 -u",
    "-n 3 -s -b 60 -f B -p 0.8 -x",
    "-n 1 -m -w 1.2 -2 -1 -U -f A",
    "-n 1 -m -w 1.5 -2 2 -f B -l 25",
]


# --------------------------------------------------------------------------- agreement report


def _agreement(
    predictions: Sequence[str], references: Sequence[Sequence[str]], options: str, workdir: Path
) -> tuple[int, int, float, float]:
    """(values compared, values different, Perl seconds, Python seconds) for one option set."""
    import time

    from benchmark.metrics.rouge155 import Rouge155Metric

    start = time.perf_counter()
    expected = run_perl_rouge(predictions, references, options, workdir)
    perl_s = time.perf_counter() - start
    start = time.perf_counter()
    got = Rouge155Metric(options).score(predictions, references, [""] * len(predictions))
    py_s = time.perf_counter() - start
    pairs = [(out.scores[k], exp[k]) for out, exp in zip(got, expected, strict=True) for k in exp]
    return len(pairs), sum(a != b for a, b in pairs), perl_s, py_s


def main() -> int:
    """Print agreement figures (docs/rouge155.md): XSum sample outputs and generated texts."""
    import tempfile

    from benchmark.dataset.xsum_eval import SYSTEMS, parse_xsum_eval

    items = parse_xsum_eval(Path("/work/shared/eval/xsum_human_eval.txt"))
    preds = [item.outputs[s] for s in SYSTEMS for item in items]
    refs = [[item.reference] for s in SYSTEMS for item in items]
    with tempfile.TemporaryDirectory() as tmp:
        for i, options in enumerate(
            ["-n 4 -m -a -l 100 -p 0.5 -c 95 -r 1000 -f A -t 0", "-n 2 -m -s -2 4 -u -f A"]
        ):
            n, bad, perl_s, py_s = _agreement(preds, refs, options, Path(tmp) / f"x{i}")
            print(
                f"xsum {len(preds)} summaries | {options} | {bad}/{n} values differ "
                f"| perl {perl_s:.1f}s python {py_s:.1f}s"
            )
        for i, options in enumerate(CONFIGS):
            p, r = generated(1000 + i, count=400)
            n, bad, perl_s, py_s = _agreement(p, r, options, Path(tmp) / f"g{i}")
            print(
                f"generated 400 | {options} | {bad}/{n} values differ "
                f"| perl {perl_s:.1f}s python {py_s:.1f}s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
