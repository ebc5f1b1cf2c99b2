"""``python -m benchmark.group PATH``: clusters and the pair evidence table of a small corpus."""

from __future__ import annotations

import argparse
import sys

from benchmark.errors import SumbenchError


def main(argv: list[str] | None = None) -> int:
    """Read PATH with ingest, group with default settings, print clusters and evidence."""
    from benchmark.group import GroupConfig, group_articles
    from benchmark.group.evidence import evidence_table
    from benchmark.ingest import load_articles

    ap = argparse.ArgumentParser(prog="python -m benchmark.group", description=main.__doc__)
    ap.add_argument("path")
    ap.add_argument("--no-embeddings", action="store_true", help="lexical evidence only")
    ap.add_argument("--no-e5", action="store_true", help="USE cosine but no e5 cosine")
    ap.add_argument("--short-ids", type=int, default=None)
    args = ap.parse_args(argv)
    try:
        articles = load_articles(args.path).articles
        config = GroupConfig(use_embeddings=not args.no_embeddings, use_e5=not args.no_e5)
        for c in group_articles(articles, config):
            print(f"cluster {c.id}: {', '.join(c.members)} ({len(c.edges)} edges)")
        print()
        print(evidence_table(articles, config, args.short_ids))
    except SumbenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
