"""The http: adapter against hostile servers on 127.0.0.1, started by each test.

Echoed credentials, passwords in the URL, redirects, huge replies and replies that
drip in a byte at a time: each must fail its example with a message that says so,
within the deadline, and no secret may reach a file under --out or the console.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_adapters import seed_examples
from test_http_adapter import QuietHandler, _examples, serve

from benchmark.errors import ConfigError
from benchmark.systems import resolve_system
from benchmark.systems.registry import Failure

KEY = "sk-live-4f9Qz7TOPSECRETkey"
PASSWORD = "hunter2-pa55word"


class Hostile(QuietHandler):
    """Behaviour by the first word of the document (see each branch)."""

    protocol_version = "HTTP/1.1"

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        super()._send(status, body, {**(headers or {}), "Connection": "close"})

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        doc = payload["messages"][-1]["content"].split("<<", 1)[1].rsplit(">>", 1)[0]
        mode = doc.split()[0]
        ok = json.dumps({"choices": [{"message": {"content": f"sum: {doc[:30]}"}}]}).encode()
        auth = self.headers.get("Authorization") or ""
        try:
            if mode == "ECHO":  # an error body that repeats the credentials it was sent
                self._send(401, json.dumps({"error": f"invalid header Authorization: {auth}",
                                            "raw": auth.split()[-1]}).encode())
            elif mode == "MIRROR":  # a "summary" that is the credential itself
                body = {"choices": [{"message": {"content": f"key was {auth.split()[-1]}"}}]}
                self._send(200, json.dumps(body).encode())
            elif mode == "REDIR":  # a redirect whose body looks like a good reply
                self._send(302, ok, {"Location": "/v2/chat/completions",
                                     "Content-Type": "application/json"})
            elif mode == "AWAY":
                self._send(307, b"moved", {"Location": "http://127.0.0.2:9/v1/chat/completions"})
            elif mode == "BIG":  # declared too long
                self._send(200, b"x" * 9_000_000)
            elif mode == "FLOOD":  # too long and not declared (chunked, endless)
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"y" * 65536
                for _ in range(200):  # bounded: 13 MB at most
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            elif mode == "DRIP":  # one byte every 0.1 s, each read well inside the timeout
                self.send_response(200)
                self.send_header("Content-Length", str(len(ok)))
                self.send_header("Connection", "close")
                self.end_headers()
                for i in range(len(ok)):  # bounded: a few seconds at most
                    self.wfile.write(ok[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.1)
            else:
                self._send(200, ok)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


@pytest.fixture()
def server() -> Iterator[str]:
    with serve(Hostile) as where:
        yield where


def _spec(url: str, **options: Any) -> str:
    opts = {"model": "stub", "prompt": "Summarise: <<{document}>>", "backoff": 0.01,
            "retries": 0, "timeout": 1, **options}
    return f"http:{url}#" + "&".join(f"{k}={v}" for k, v in opts.items())


def test_echoed_credentials_are_masked_in_failures_and_summaries(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMBENCH_API_KEY", KEY)
    out = resolve_system(_spec(f"http://{server}/v1")).predict_batch(_examples("ECHO", "MIRROR"))
    assert isinstance(out[0], Failure) and out[0].reason.startswith("HTTP 401")
    assert "Bearer ***" in out[0].reason and KEY not in out[0].reason
    assert out[1] == "key was ***"


def test_a_url_password_is_sent_but_never_part_of_label_config_or_identity(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUMBENCH_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    system = resolve_system(_spec(f"http://bob:{PASSWORD}@{server}/v1"))
    assert system.label == f"http:stub@http://bob@{server}/v1"
    assert PASSWORD not in json.dumps(system.identity())
    out = system.predict_batch(_examples("OK", "ECHO"))
    assert out[0] == "sum: OK 0 " + seed_examples()[0].id[:22]
    assert isinstance(out[1], Failure) and "Basic ***" in out[1].reason
    assert PASSWORD not in out[1].reason
    with pytest.raises(ConfigError) as err:  # an error about the spec does not print it
        resolve_system(f"http:http://bob:{PASSWORD}@{server}/v1")
    assert PASSWORD not in str(err.value) and "bob:***@" in str(err.value)


def test_redirects_are_failures_that_say_so(server: str) -> None:
    out = resolve_system(_spec(f"http://{server}/v1")).predict_batch(_examples("REDIR", "AWAY"))
    assert out[0] == Failure("HTTP 302: redirect to /v2/chat/completions not followed; "
                             "give the final address as the base URL")
    assert isinstance(out[1], Failure)
    assert "HTTP 307: redirect to http://127.0.0.2:9/v1/chat/completions not followed" in (
        out[1].reason)


def test_replies_over_the_size_limit_fail(server: str) -> None:
    """The default limit (8 MB): a declared 9 MB body and an endless chunked one."""
    system = resolve_system(_spec(f"http://{server}/v1", timeout=10))
    start = time.monotonic()
    out = system.predict_batch(_examples("BIG", "FLOOD", "OK"))
    assert out[0] == Failure("reply too large: 9000000 bytes declared, over the limit of "
                             "8000000 (#max_reply_bytes)")
    assert out[1] == Failure("reply too large: over the limit of 8000000 bytes "
                             "(#max_reply_bytes)")
    assert isinstance(out[2], str)
    assert time.monotonic() - start < 10


def test_the_timeout_is_a_deadline_for_the_whole_reply(server: str) -> None:
    """The drip sends a byte every 0.1 s (each read is fast) for several seconds."""
    system = resolve_system(_spec(f"http://{server}/v1", timeout=1))
    start = time.monotonic()
    out = system.predict_batch(_examples("DRIP"))
    took = time.monotonic() - start
    assert out == [Failure("gave up after 1 attempts; last: timeout: no complete reply "
                           "within 1 s")]
    assert took < 2.0, took


def _everything_shown(commands: list[list[str]], out: Path,
                     capsys: pytest.CaptureFixture[str]) -> tuple[list[Path], list[str]]:
    """Run each ``sumbench`` command (each must succeed); the files under ``out`` and every
    text a user could see: the console, the file names and the files' contents."""
    from benchmark.cli import main

    for args in commands:
        try:
            main(args)
        except SystemExit as exc:
            assert exc.code in (0, None), capsys.readouterr().err
    console = capsys.readouterr()
    files = [p for p in out.rglob("*") if p.is_file()]
    return files, [console.out, console.err, *(str(p) for p in files),
                   *(p.read_text("utf-8", "replace") for p in files)]


def test_api_key_and_password_never_reach_out_or_the_console(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """End to end: run (key from the environment, password in the URL), leaderboard."""
    from benchmark.dataset.export import write_dataset

    base = seed_examples()
    docs = [("ECHO " if i % 2 else "MIRROR ") + ex.document for i, ex in enumerate(base)]
    examples = [ex.model_copy(update={"document": d, "documents": [d]})
                for ex, d in zip(base, docs, strict=True)]
    data = tmp_path / "data"
    write_dataset(data, name="hostile", splits={"test": examples}, settings={}, counts={})
    monkeypatch.setenv("SUMBENCH_API_KEY", KEY)
    out = tmp_path / "runs"
    specs = [_spec(f"http://{server}/v1"), _spec(f"http://bob:{PASSWORD}@{server}/v1")]
    argv = ["run", "--dataset", str(data), "--out", str(out), "--no-progress",
            "--max-failures", "100%"]
    for spec in specs:
        argv += ["--system", spec]
    # the second run reads the cache
    files, texts = _everything_shown([argv, argv, ["leaderboard", str(out)]], out, capsys)
    assert any(p.suffix == ".jsonl" for p in files) and any(p.name == "leaderboard.md"
                                                            for p in files)
    for text in texts:
        assert KEY not in text and PASSWORD not in text
    summary = json.loads((out / "_summary.json").read_text())
    assert any("Bearer ***" in why for row in summary["systems"]
               for why in row["failures"].values())



def test_a_commands_url_password_and_token_are_masked_everywhere_it_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """``cmd:`` runs with a URL password and a ``--token`` on its command line, but the
    label, the file names, the recorded config, the cache and a failure's stderr tail
    show ``***`` (a bare positional secret cannot be told from text: keys belong in the
    environment, docs/systems.md)."""
    import sys

    from benchmark.dataset.export import write_dataset

    data = tmp_path / "data"
    write_dataset(data, name="seeds", splits={"test": seed_examples()}, settings={}, counts={})
    script = tmp_path / "echo.py"
    script.write_text(
        "import json, sys\n"
        "url = sys.argv[sys.argv.index('--api') + 1]\n"
        "assert '***' not in url, url  # the real password reached the command\n"
        "if '--fail' in sys.argv:\n"
        "    sys.exit(f'cannot reach {url} with Bearer ' + sys.argv[-1])\n"
        "for line in sys.stdin:\n"
        "    r = json.loads(line)\n"
        "    print(json.dumps({'id': r['id'], 'summary': r['document'][:80]}))\n")
    url = f"http://bob:{PASSWORD}@127.0.0.1:9/v1"
    specs = [f"cmd:{sys.executable} {script} --api {url} --token {KEY}",
             f"cmd:{sys.executable} {script} --api {url} --fail {KEY}"]
    out = tmp_path / "runs"
    argv = ["run", "--dataset", str(data), "--out", str(out), "--no-progress",
            "--max-failures", "100%", "--system", specs[0], "--system", specs[1]]
    files, texts = _everything_shown([argv], out, capsys)
    assert len(files) >= 4
    for text in texts:
        assert PASSWORD not in text
        assert f"--token {KEY}" not in text
    summary = json.loads((out / "_summary.json").read_text())
    reasons = [why for row in summary["systems"] for why in row["failures"].values()]
    assert reasons and all("bob:***@" in why for why in reasons)
    assert any(row["failures"] == {} for row in summary["systems"])  # the real one ran
