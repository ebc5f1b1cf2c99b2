"""``sumbench systems``: list registered systems with one-line descriptions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def plugin_option(f: F) -> F:
    """``--plugin MODULE_OR_PATH`` (repeatable): import a user's systems before resolving."""
    opt = click.option(
        "--plugin", "plugins", multiple=True, metavar="MODULE_OR_PATH",
        help="Repeatable. Import a module (mypkg.systems) or a file (./mysys.py) first, so "
             "the systems it registers with @register_system can be named; no packaging "
             "or entry point needed.")
    return opt(f)


def load_plugin_options(plugins: tuple[str, ...]) -> None:
    """Import every ``--plugin`` (a clear error, exit 2, when one fails)."""
    if plugins:
        from benchmark.systems.registry import load_plugins

        load_plugins(plugins)

ADAPTERS = (
    ("py:MODULE:FUNCTION", "a Python callable taking the document (or an Example)"),
    ("cmd:COMMAND", "a command reading JSONL {id, document, documents} on stdin, "
                    "writing {id, summary} lines"),
    ("file:PREDICTIONS", "precomputed predictions (.jsonl, .csv, .tsv, .parquet)"),
    ("http:BASE_URL#model=NAME", "an OpenAI-compatible chat-completions endpoint"),
)


@click.command("systems")
@click.option("--verbose", "-v", is_flag=True,
              help="Also show each system's config fields and their defaults.")
@plugin_option
def command(verbose: bool, plugins: tuple[str, ...]) -> None:
    """List every registered summarisation system (built-in baselines and plug-ins).

    Pass config after a colon: `--system lead-k:budget=2,unit=words`. User systems
    need no registration: pass them to `sumbench run --system` as
    `py:pkg.module:function`, `cmd:"python my_sum.py"`, `file:preds.jsonl` or
    `http:BASE_URL#model=NAME` (see docs/running.md). Plug-in packages register
    systems through the `sumbench.systems` entry-point group; a local file or module
    needs only `--plugin ./mysys.py`.
    """
    from benchmark.systems.registry import System, available_systems

    load_plugin_options(plugins)
    for name, cls in available_systems().items():
        tag = " [reads references]" if cls.uses_references else ""
        # instantiated only when the class answers itself (a plug-in may load a model)
        if (not cls.uses_references and cls.uses_reference_length
                is not System.uses_reference_length and cls().uses_reference_length()):
            tag = " [length from references]"
        click.echo(f"{name:<16} {cls.description}{tag}")
        if verbose:
            defaults = cls.Config().model_dump(mode="json")
            fields = ", ".join(f"{k}={json.dumps(v)}" for k, v in defaults.items())
            click.echo(f"{'':<16}   config: {fields}")
    click.echo("\nadapters (no registration needed):")
    for spec, what in ADAPTERS:
        click.echo(f"  {spec:<26} {what}")
