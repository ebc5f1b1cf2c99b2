"""``sumbench systems``: list registered systems with one-line descriptions."""

from __future__ import annotations

import click


@click.command("systems")
def command() -> None:
    """List every registered summarisation system (built-in baselines and plug-ins).

    User systems need no registration: pass them to `sumbench run --system` as
    `py:pkg.module:function`, `cmd:"python my_sum.py"`, `file:preds.jsonl` or
    `http:BASE_URL#MODEL`.
    """
    from benchmark.systems.registry import available_systems

    for name, cls in available_systems().items():
        tag = " [reads references]" if cls.uses_references else ""
        click.echo(f"{name:<16} {cls.description}{tag}")
