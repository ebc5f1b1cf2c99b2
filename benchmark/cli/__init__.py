"""The ``sumbench`` command: a thin, lazily-loaded layer over the Python API.

Each sub-command lives in its own module under :mod:`benchmark.cli` and is imported
only when invoked, so ``sumbench --help`` never pays for heavy imports
(``rouge_score`` alone costs ~2 s). Errors derived from
:class:`~benchmark.errors.SumbenchError` are printed without a traceback, exit 2.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn

import click

from benchmark.errors import SumbenchError

#: sub-command name -> (module under benchmark.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Build a benchmark dataset from a corpus of news articles."),
    "validate": ("validate", "Re-validate an exported dataset against its schemas."),
    "import": ("importer", "Import an existing document/reference dataset (no grouping)."),
    "evaluate": ("evaluate", "Score predictions against a sumbench dataset."),
    "score": ("score", "Score plain parallel text files (one summary per line)."),
    "systems": ("systems", "List the registered summarisation systems."),
    "run": ("run", "Run systems over a dataset (cached, resumable) and evaluate them."),
    "leaderboard": ("leaderboard", "Print and write a leaderboard from stored runs."),
    "report": ("report", "Write one offline HTML page: leaderboard, significance, plots."),
    "check": ("check", "Regression gate: exit 1 when a candidate run is significantly worse."),
    "calibrate": ("calibrate", "Measure a system's run-to-run noise; propose check's settings."),
    "demo": ("demo", "Build the bundled seed dataset, run the baselines, print the leaderboard."),
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"benchmark.cli.{COMMANDS[cmd_name][0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # `sumbench --help` lists commands without importing any of them.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sumbench", prog_name="sumbench")
def cli() -> None:
    """sumbench: build summarisation benchmarks from near-duplicate news, and score
    summarisers against them reproducibly (ROUGE with CIs, significance, signatures).

    Start with `sumbench demo`, then see `sumbench COMMAND --help`.
    """


def _stopped(interrupt: KeyboardInterrupt) -> NoReturn:
    """Exit after Ctrl-C (130) or SIGTERM (143), saying that finished work was kept."""
    from benchmark.cli.signals import EXIT_TERMINATED, Terminated

    terminated = isinstance(interrupt, Terminated)
    click.echo(f"{'Terminated' if terminated else 'Interrupted'}; finished work was kept.",
               err=True)
    sys.exit(EXIT_TERMINATED if terminated else 130)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``sumbench`` console script."""
    from benchmark.cli.signals import Terminated, sigterm_as_interrupt

    try:
        with sigterm_as_interrupt():  # a killed build or run cleans up as after Ctrl-C
            return cli.main(args=argv, prog_name="sumbench", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:  # click's name for a KeyboardInterrupt
        if isinstance(exc.__cause__, Terminated):
            _stopped(exc.__cause__)
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt as exc:
        _stopped(exc)
    except SumbenchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:  # a place we could not read or write: say which, and why
        from benchmark.files import describe_os_error  # here: files.py loads pydantic

        click.echo(f"error: {describe_os_error(exc)}", err=True)
        sys.exit(2)
