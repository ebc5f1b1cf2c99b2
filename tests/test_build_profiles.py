"""Named build profiles, progress a person can follow, and time per stage (issue 14)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark.cli import cli
from benchmark.dataset.build import STAGES, BuildConfig, build_config
from benchmark.dataset.progress import duration, track
from benchmark.errors import ConfigError
from benchmark.group import GroupConfig


def test_profiles_set_the_encoders_and_old_configs_keep_working() -> None:
    assert BuildConfig().profile == "default" and BuildConfig().group.e5
    fast = BuildConfig(profile="fast")
    assert fast.group.use_embeddings and not fast.group.use_e5
    lexical = BuildConfig(profile="lexical", group=GroupConfig(neighbours=5))
    assert not lexical.group.use_embeddings and lexical.group.neighbours == 5
    # a config file written before profiles names the profile it amounts to
    assert build_config(None, {"group": {"use_e5": False}}).profile == "fast"
    assert build_config(None, {"group": {"use_embeddings": False}}).profile == "lexical"
    # the dump round-trips (build.json can be fed back as a config)
    assert BuildConfig.model_validate(lexical.model_dump()) == lexical


def test_a_profile_that_contradicts_a_setting_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"profile 'default' sets group\.use_e5 to true"):
        build_config(None, {"profile": "default", "group": {"use_e5": False}})
    with pytest.raises(ConfigError, match="'profile'"):
        build_config(None, {"profile": "turbo"})


class _Clock:
    """A fake monotonic clock advancing one second per reading."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_progress_off_a_terminal_is_a_line_every_few_seconds() -> None:
    out = io.StringIO()
    items = list(track(range(20), "profiling", unit="article", stream=out, interval=5,
                       clock=_Clock()))
    assert items == list(range(20))
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0] == "sumbench: profiling: 5/20 articles (25%), 1/s, ETA 15.0s"
    assert len(lines) == 4  # at 5, 10 and 15 of 20, then the closing line (not "20/20")
    assert lines[-1] == "sumbench: profiling: 20 articles in 21.0s (0.952/s)"
    quiet = io.StringIO()
    assert list(track([1, 2], "x", stream=quiet, interval=5)) == [1, 2]
    assert quiet.getvalue() == ""  # a short stage says nothing


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_bar_with_rate_and_eta() -> None:
    out = _Terminal()
    assert list(track(range(50), "judging", unit="pair", stream=out)) == list(range(50))
    text = out.getvalue()
    assert "\rjudging:" in text and "/50 [" in text and "pair/s]" in text  # count, ETA, rate


def test_durations_read_like_a_clock() -> None:
    assert [duration(s) for s in (4.24, 75.3, 3725)] == ["4.2s", "1m15s", "1h02m"]


@pytest.fixture(scope="module")
def lexical_build(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path,
                  ) -> Iterator[tuple[Path, object]]:
    out = tmp_path_factory.mktemp("lex") / "seeds-lexical"
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(out),
                                      "--profile", "lexical"])
    yield out, result


def test_cli_profile_is_recorded_in_build_json_and_the_card(lexical_build: tuple[Path, object],
                                                            ) -> None:
    out, result = lexical_build
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    settings = json.loads((out / "build.json").read_text(encoding="utf-8"))["settings"]
    assert settings["profile"] == "lexical"
    assert settings["group"]["use_embeddings"] is False
    assert "the `lexical` build profile" in (out / "README.md").read_text(encoding="utf-8")
    stdout = result.stdout  # type: ignore[attr-defined]
    assert "profile lexical" in stdout
    timed = stdout.split("time: ")[1].splitlines()[0]
    assert [part.split()[0] for part in timed.split(", ")] == [
        s for s in STAGES if s not in {"group", "encoding"}]  # lexical: no encoder runs
    peak = stdout.split("memory: peak RSS ")[1].splitlines()[0].split()
    assert peak[1] in {"MB", "GB"} and float(peak[0]) > 0
    # not a terminal: plain stage lines on stderr, never a bar's carriage returns
    stderr = result.stderr  # type: ignore[attr-defined]
    assert "sumbench: grouping 5 articles ..." in stderr and "\r" not in stderr


def test_no_progress_keeps_stderr_quiet(seeds_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(tmp_path / "q"),
                                      "--profile", "lexical", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_running_out_of_memory_says_what_to_change(seeds_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import benchmark.dataset.build as build_module

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(build_module, "group_articles", exhausted)
    out = tmp_path / "oom"
    with pytest.raises(ConfigError, match=r"out of memory during the group stage: build with "
                                          r"--profile fast or --profile lexical"):
        build_module.build_dataset(seeds_dir, out, BuildConfig())
    assert not out.exists()
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(out),
                                      "--profile", "fast"])
    assert result.exit_code != 0 and "--profile lexical" in str(result.exception or "")


def test_encoding_has_a_time_of_its_own(seeds_dir: Path, tmp_path: Path) -> None:
    """With encoders on, their time is its own stage, not part of the candidate search."""
    from benchmark.dataset.build import build_dataset

    report = build_dataset(seeds_dir, tmp_path / "fast", BuildConfig(profile="fast"))
    stages = [s for s in report.seconds if s != "total"]
    assert stages == [s for s in STAGES if s != "group"]
    assert report.seconds["encoding"] > 0 and report.seconds["candidates"] >= 0


def test_the_build_says_when_linking_starts(lexical_build: tuple[Path, object]) -> None:
    """Linking shows a line of its own (and a count of edges when it lasts): it took 6
    silent minutes on 100,000 articles."""
    _, result = lexical_build
    stderr = result.stderr  # type: ignore[attr-defined]
    judged = stderr.index("sumbench: judging ")
    assert stderr.index("sumbench: linking 7 accepted edges ...") > judged
