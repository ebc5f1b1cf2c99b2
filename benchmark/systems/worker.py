"""Run an in-process system in a worker process, so ``--timeout`` can really stop it.

A Python thread cannot be killed, so a hung ``py:`` callable or baseline would keep
its thread (and the CPU) for the rest of the run. With a timeout, the runner instead
rebuilds the system in a child interpreter from a picklable :class:`SystemRecipe`
(class by module and qualified name, plus its config), sends it batches over a pipe,
and kills the child's whole process group when a batch takes longer than the
timeout; the next batch gets a fresh child.

Why a plain ``subprocess`` running ``python -c`` rather than ``multiprocessing``:
spawn/forkserver re-import the parent's ``__main__`` (a user script without an
``if __name__ == "__main__"`` guard would start itself again), forkserver children
do not see environment changes made after the server started, and a session of its
own lets us kill whatever the system started too (as the ``cmd:`` adapter does).

Protocol: length-prefixed pickles. The child keeps the pipe's real descriptors for
the protocol and points its own stdin at /dev/null and stdout at stderr, so a
system that prints cannot corrupt the stream.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import inspect
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from benchmark.errors import ConfigError, SumbenchError
from benchmark.schema import Example
from benchmark.systems.registry import (
    Failure,
    System,
    available_systems,
    import_plugin,
    plugin_file,
)

#: Upper bound on a worker's start (interpreter, imports, building the system, and
#: the warm-up call on :data:`PROBE_TEXT`).
STARTUP_TIMEOUT = 120.0
#: What a worker summarises once before its first timed batch (see ``warm_up_probe``).
PROBE_TEXT = (
    "The city council approved the new budget on Tuesday after a long debate. "
    "The plan raises spending on schools and roads by five percent. "
    "Opponents said the increase would force higher local taxes next year."
)
PROBE_REFERENCE = "Council approves budget raising school and road spending."
_HEADER = struct.Struct(">Q")

Checked = list[tuple[str | None, str | None]]


def check_outputs(outputs: Any, batch: Sequence[Example]) -> Checked:
    """(summary, failure) per example: wrong count, non-text and empty outputs fail."""
    if not isinstance(outputs, (list, tuple)) or len(outputs) != len(batch):
        got = len(outputs) if isinstance(outputs, (list, tuple)) else type(outputs).__name__
        reason = f"wrong number of outputs: got {got} for {len(batch)} examples"
        return [(None, reason)] * len(batch)
    checked: Checked = []
    for out in outputs:
        if isinstance(out, Failure):
            checked.append((None, out.reason))
        elif not isinstance(out, str):
            checked.append((None, f"non-text output ({type(out).__name__})"))
        elif not out.strip():
            checked.append((None, "empty summary"))
        else:
            checked.append((out, None))
    return checked


@dataclass(frozen=True)
class SystemRecipe:
    """How to build an equal system in another process: class location and config."""

    module: str
    qualname: str
    config: dict[str, Any]
    #: the module's file when it was loaded as a ``--plugin`` path, not by name
    module_file: str | None = None

    def build(self) -> System:
        """Import the class and instantiate it with the config (in the child)."""
        available_systems()  # plug-ins register (and get their names) as in the parent
        if self.module_file is not None and self.module not in sys.modules:
            import_plugin(self.module_file)
        cls = _lookup(self.module, self.qualname)
        return cls(cls.Config.model_validate(self.config))


def _lookup(module: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def recipe_for(system: System) -> SystemRecipe | None:
    """A recipe if ``system`` can be rebuilt by class and config alone, else None.

    Not rebuildable: classes defined in ``__main__`` or inside a function, and
    classes whose constructor does not take the config as its first argument.
    """
    cls = type(system)
    if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
        return None
    try:
        if _lookup(cls.__module__, cls.__qualname__) is not cls:
            return None
        params = list(inspect.signature(cls.__init__).parameters)
    except (AttributeError, ImportError, TypeError, ValueError):
        return None
    if params[1:2] != ["config"]:
        return None
    return SystemRecipe(cls.__module__, cls.__qualname__, system.config.model_dump(mode="json"),
                        plugin_file(cls.__module__))


class WorkerStartError(SumbenchError):
    """A worker process did not become ready in time (the system hung while starting)."""


def probe_example() -> Example:
    """A short, valid example for the warm-up call (never scored, never cached)."""
    from benchmark.metrics.fragments import fragment_stats

    return Example(id="sumbench-warm-up", strategy="cross-lede", cluster_id="warm-up",
                   source_ids=["warm-up-a"], reference_ids=["warm-up-b"],
                   documents=[PROBE_TEXT], document=PROBE_TEXT, references=[PROBE_REFERENCE],
                   fragments=[fragment_stats(PROBE_TEXT, PROBE_REFERENCE)], language="en")


def kill_process_group(proc: subprocess.Popen[Any]) -> None:
    """Kill the process and everything it started (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups here
            proc.kill()


#: ``cmd:`` processes running right now, by pid, and the pids stopped by the runner
_CHILDREN: dict[int, subprocess.Popen[Any]] = {}
_STOPPED: set[int] = set()
_CHILDREN_LOCK = threading.Lock()


@contextlib.contextmanager
def tracked_child(proc: subprocess.Popen[Any]) -> Iterator[None]:
    """Register a system's child process for :func:`stop_children` while it runs."""
    with _CHILDREN_LOCK:
        _CHILDREN[proc.pid] = proc
    try:
        yield
    finally:
        with _CHILDREN_LOCK:
            _CHILDREN.pop(proc.pid, None)


def stop_children() -> None:
    """Kill every tracked child's process group (the run was interrupted or terminated).

    Why: a ``cmd:`` batch in another thread would otherwise run to its own timeout
    while the interrupted run waits for it, or outlive the run if it is killed again.
    """
    with _CHILDREN_LOCK:
        procs = list(_CHILDREN.values())
        _STOPPED.update(_CHILDREN)
    for proc in procs:
        kill_process_group(proc)


def was_stopped(proc: subprocess.Popen[Any]) -> bool:
    """True if :func:`stop_children` killed ``proc`` (its batch is no failure: re-raise)."""
    with _CHILDREN_LOCK:
        stopped = proc.pid in _STOPPED
        _STOPPED.discard(proc.pid)
        return stopped


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """One message, or None at end of stream (the other side is gone)."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    size = _HEADER.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _exit_reason(proc: subprocess.Popen[Any]) -> str:
    try:
        code = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return "worker process stopped answering"
    if code < 0:
        try:
            return f"worker process killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"worker process killed by signal {-code}"
    return f"worker process exited with status {code}"


#: Healthy worker processes whose system finished, kept (with their reply queues)
#: inside :func:`reuse_workers` so the next system reuses the interpreter and the
#: libraries it already imported.
_IDLE: list[tuple[subprocess.Popen[bytes], queue.Queue[Any]]] = []
_IDLE_LOCK = threading.Lock()
_REUSERS = 0


@contextlib.contextmanager
def reuse_workers() -> Iterator[None]:
    """Keep finished systems' worker processes for the next system until the block ends.

    Why: each built-in baseline imports its libraries lazily (scikit-learn alone takes
    seconds), and a fresh process per system would pay that again every time.
    """
    global _REUSERS
    with _IDLE_LOCK:
        _REUSERS += 1
    try:
        yield
    finally:
        with _IDLE_LOCK:
            _REUSERS -= 1
            last = _REUSERS == 0
        if last:
            shutdown_idle()


def shutdown_idle() -> None:
    """Stop every idle worker process."""
    with _IDLE_LOCK:
        idle = list(_IDLE)
        _IDLE.clear()
    for proc, _ in idle:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    kill_process_group(proc)
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        with contextlib.suppress(OSError):
            if stream is not None:
                stream.close()


atexit.register(shutdown_idle)


class Worker:
    """A child process serving one system's batches, replaced after a kill.

    Use as a context manager: leaving it stops the process, or, inside
    :func:`reuse_workers` and without an exception, keeps it for the next system.
    Ctrl-C and errors always kill it.
    """

    def __init__(self, system: System, recipe: SystemRecipe, timeout: float,
                 label: str = "", stop: threading.Event | None = None) -> None:
        self.system = system
        self.recipe = recipe
        self.timeout = timeout
        self.label = label or system.name
        #: Set by the runner when another system's thread was interrupted: stop waiting.
        self.stop = stop
        self.proc: subprocess.Popen[bytes] | None = None
        self.replies: queue.Queue[Any] = queue.Queue()
        self.starts = 0

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.release()
        else:
            self.close()

    def _spawn(self) -> None:
        root = str(Path(__file__).resolve().parents[2])  # where `benchmark` is importable
        boot = (f"import sys; sys.path[:0] = [{root!r}]; "
                "from benchmark.systems.worker import serve; serve()")
        self.proc = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, start_new_session=True)
        self.replies = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self.replies), daemon=True).start()

    def start(self) -> None:
        """Get a child (an idle one, else a new one) and wait until it has built the
        system and warmed it up (not timed per batch)."""
        with _IDLE_LOCK:
            reused = _IDLE.pop() if _IDLE else None
        if reused is not None and reused[0].poll() is None:
            self.proc, self.replies = reused
        else:
            if reused is not None:  # died while idle (say, the OOM killer): not this system
                _stop(reused[0])
            self._spawn()
        self.starts += 1
        assert self.proc is not None and self.proc.stdin is not None
        with contextlib.suppress(OSError):  # it died at once: the wait below says why
            _send(self.proc.stdin, ("build", list(sys.path), self.recipe))
        allowance = max(STARTUP_TIMEOUT, self.timeout)
        reply = self._wait(allowance)
        if reply is not None and reply[0] == "timeout":
            self.close()
            raise WorkerStartError(
                f"system '{self.label}' did not become ready in a worker process within "
                f"{allowance:g} s (building it and one warm-up call on a three-sentence text)")
        if reply is None or reply[0] != "ready":
            why = reply[1] if reply is not None else _exit_reason(self.proc)
            self.close()
            raise ConfigError(f"system '{self.label}' cannot run in a worker process for "
                              f"--timeout: {why}")
        if reply[1] != self.system.identity():
            self.close()
            raise ConfigError(f"system '{self.label}': the copy rebuilt in a worker process "
                              f"differs from this one ({reply[1]} vs {self.system.identity()})")

    @staticmethod
    def _read(proc: subprocess.Popen[bytes], replies: queue.Queue[Any]) -> None:
        assert proc.stdout is not None
        try:
            while (message := _receive(proc.stdout)) is not None:
                replies.put(message)
        except (OSError, ValueError, pickle.UnpicklingError):
            pass
        replies.put(None)

    def _wait(self, timeout: float) -> Any:
        """The next reply; None if the child died; ``("timeout",)`` if it is still busy.

        Raises KeyboardInterrupt (the child is killed on the way out) as soon as
        ``stop`` is set, rather than waiting out a long batch.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self.stop is not None and self.stop.is_set():
                raise KeyboardInterrupt
            left = deadline - time.monotonic()
            try:
                return self.replies.get(timeout=max(0.0, min(left, 0.1)))
            except queue.Empty:
                if left <= 0.1:
                    break
        return None if self.proc is None or self.proc.poll() is not None else ("timeout",)

    def ensure_started(self) -> None:
        """Start a child unless one is running (after a kill the next batch needs one)."""
        if self.proc is None:
            self.start()

    def predict(self, batch: Sequence[Example]) -> Checked:
        """Checked outputs for ``batch``; a batch over the timeout kills the child."""
        self.ensure_started()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            _send(self.proc.stdin, list(batch))
        except (BrokenPipeError, OSError):
            reply = None
        else:
            reply = self._wait(self.timeout)
        if reply is not None and reply[0] == "done":
            return list(reply[1])
        if reply is not None and reply[0] == "crash":
            return [(None, f"crash: {reply[1]}")] * len(batch)
        if reply is not None and reply[0] == "interrupt":
            self.close()
            raise KeyboardInterrupt
        if reply is not None and reply[0] == "timeout":
            reason = f"timed out after {self.timeout:g} s (worker process killed)"
        else:
            reason = _exit_reason(self.proc)
        self.close()
        return [(None, reason)] * len(batch)

    def release(self) -> None:
        """Hand a healthy child to the next system instead of stopping it."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with _IDLE_LOCK:
            keep = _REUSERS > 0 and proc.poll() is None
            if keep:
                _IDLE.append((proc, self.replies))
        if not keep:
            _stop(proc)

    def close(self) -> None:
        """Stop the child (and anything it started); the next batch starts a new one."""
        proc, self.proc = self.proc, None
        if proc is not None:
            _stop(proc)


def serve() -> None:
    """The child's loop: build a system when told to, answer batches, until stdin closes."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # the system's own prints go to stderr, not into the protocol
    system: System | None = None
    while (message := _receive(proto_in)) is not None:
        if isinstance(message, tuple) and message[0] == "build":
            _, path, recipe = message
            sys.path[:] = path
            try:
                system = recipe.build()
            except Exception as exc:
                _send(proto_out, ("broken", f"{type(exc).__name__}: {exc}"))
                return
            if type(system).warm_up_probe:
                with contextlib.suppress(Exception):  # only warming up: failures show later
                    system.predict_batch([probe_example()])
            _send(proto_out, ("ready", system.identity()))
            continue
        assert system is not None, "a batch before any system was built"
        try:
            _send(proto_out, ("done", check_outputs(system.predict_batch(message), message)))
        except KeyboardInterrupt:
            _send(proto_out, ("interrupt",))
            return
        except Exception as exc:
            _send(proto_out, ("crash", f"{type(exc).__name__}: {exc}"))
