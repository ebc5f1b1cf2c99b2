"""``cmd:python my_sum.py``: a shell command as a system, batched over JSONL pipes.

Protocol: the command reads one JSON object per line on stdin,
``{"id": ..., "document": ..., "documents": [...]}``, and writes one
``{"id": ..., "summary": ...}`` per input line on stdout, then exits 0. It is started
once per batch (``#batch_size=32``) and killed, with its whole process group, after
``#timeout=600`` seconds. Outputs are matched by ``id`` when every line has one, else
by position. A non-zero exit fails the batch with the tail of stderr; a wrong number
of output lines fails the batch; a non-text summary fails that one example.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import Field, field_validator

from benchmark.errors import ConfigError
from benchmark.schema import Example
from benchmark.systems.registry import Failure, SystemConfig
from benchmark.systems.secrets import redact
from benchmark.systems.spec import BatchAdapter, make_config
from benchmark.systems.worker import kill_process_group, tracked_child, was_stopped

STDERR_TAIL_CHARS = 1500


class CommandConfig(SystemConfig):
    """The command line and how it is fed."""

    command: str
    batch_size: int = Field(default=32, ge=1)
    timeout: float = Field(default=600.0, gt=0, description="seconds per batch")
    #: what the program is, when the command names no file (``python -m pkg``)
    version: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value


def stderr_tail(stderr: str, limit: int = STDERR_TAIL_CHARS) -> str:
    """The last lines of a process's stderr, short enough for a failure message."""
    text = stderr.strip()
    if len(text) <= limit:
        return text
    return "..." + text[-limit:]


def parse_outputs(stdout: str, examples: Sequence[Example]) -> list[str | Failure]:
    """Match the command's stdout lines to ``examples`` (see the module docstring)."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    if len(lines) != len(examples):
        reason = f"wrong number of outputs: {len(lines)} lines for {len(examples)} inputs"
        return [Failure(reason) for _ in examples]
    records: list[Any] = []
    for i, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append(Failure(f"stdout line {i} is not JSON: {line[:80]!r}"))
        except RecursionError:  # JSON nested past Python's recursion limit
            records.append(Failure(f"stdout line {i} is JSON nested too deeply to read"))
    ids = [r.get("id") if isinstance(r, dict) else None for r in records]
    wanted = [ex.id for ex in examples]
    by_id = None not in ids and sorted(map(str, ids)) == sorted(wanted)
    ordered = [records[ids.index(w)] for w in wanted] if by_id else records
    out: list[str | Failure] = []
    for rec in ordered:
        if isinstance(rec, Failure):
            out.append(rec)
        elif not isinstance(rec, dict) or "summary" not in rec:
            out.append(Failure("output line has no 'summary' field"))
        elif not isinstance(rec["summary"], str):
            out.append(Failure(f"non-text summary ({type(rec['summary']).__name__})"))
        else:
            out.append(rec["summary"])
    return out


class CommandSystem(BatchAdapter):
    """Runs the user's command once per batch; a crash fails only that batch."""

    name: ClassVar[str] = "cmd"
    description: ClassVar[str] = "A shell command reading JSONL on stdin: cmd:python my_sum.py"
    Config: ClassVar[type[SystemConfig]] = CommandConfig
    batch_size: ClassVar[int] = 32

    def __init__(self, config: SystemConfig | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, CommandConfig)
        self.label = redact(f"cmd:{self.config.command}")  # shown in errors and results
        try:
            self.argv = shlex.split(self.config.command)
        except ValueError as exc:
            raise ConfigError(f"cannot parse command '{self.label}': {exc}") from exc
        if not self.argv:
            raise ConfigError("cmd: empty command")

    def code_identity(self) -> dict[str, Any]:
        """A hash of every file the command names (``#version=`` when it names none)."""
        from benchmark.systems.code import command_code

        assert isinstance(self.config, CommandConfig)
        return command_code(self.config.command, self.config.version)

    @classmethod
    def from_spec(cls, target: str, options: Mapping[str, Any], spec: str) -> CommandSystem:
        """Build from the part after ``cmd:`` (shell quoting allowed) and its options."""
        return cls(make_config(cls, {"command": target, **options}, spec))

    def predict_batch(self, examples: Sequence[Example]) -> list[str | Failure]:
        """Pipe the batch through one run of the command."""
        assert isinstance(self.config, CommandConfig)
        payload = "".join(
            json.dumps({"id": ex.id, "document": ex.document, "documents": ex.documents},
                       ensure_ascii=False) + "\n"
            for ex in examples
        )
        try:
            proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", errors="replace", start_new_session=True,
            )
        except OSError as exc:
            raise ConfigError(f"cannot start '{self.label}': {exc}") from exc
        try:
            with tracked_child(proc):  # the runner kills it if the run is interrupted
                stdout, stderr = proc.communicate(payload, timeout=self.config.timeout)
        except subprocess.TimeoutExpired:
            kill_process_group(proc)
            proc.communicate()
            reason = f"timeout: command ran longer than {self.config.timeout:g} s"
            return [Failure(reason) for _ in examples]
        except BaseException:  # Ctrl-C, SIGTERM: leave no orphan behind
            kill_process_group(proc)
            proc.wait()
            raise
        if was_stopped(proc):  # killed because the run stops: not the system's failure
            raise KeyboardInterrupt
        if proc.returncode != 0:
            tail = redact(stderr_tail(stderr)) or "(stderr was empty)"
            reason = f"command exited with status {proc.returncode}; stderr tail:\n{tail}"
            return [Failure(reason) for _ in examples]
        return parse_outputs(stdout, examples)
