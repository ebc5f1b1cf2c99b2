"""House rules that keep sumbench easy to live in, checked on the real source tree."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

HEAVY = {"rouge_score", "datasets", "sklearn", "nltk", "scipy", "pandas", "pyarrow", "torch"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "baselines":
        parts = ["benchmark", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _source_files() -> list[Path]:
    return [*ROOT.joinpath("benchmark").rglob("*.py"), *ROOT.joinpath("baselines").rglob("*.py")]


def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(f): f for f in _source_files()}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    pkg = pkg[: len(pkg) - node.level + 1]
                    base = ".".join([*pkg, base]) if base else ".".join(pkg)
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                # a package's __init__ re-exporting its own children is not a cycle
                if t and t != mod and not t.startswith(mod + "."):
                    graph[mod].add(t)
    return graph


def test_no_import_cycles_between_modules() -> None:
    graph = _import_graph()
    assert "benchmark.schema" in graph
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if m.startswith(n + "."):
                continue  # a module importing its parent package's __init__
            if state.get(n) == 1:
                cycle = [*stack[stack.index(n) :], n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_schema_is_at_the_bottom() -> None:
    graph = _import_graph()
    assert graph["benchmark.schema"] <= {"benchmark.errors", "benchmark"}


def test_no_source_file_is_past_500_lines() -> None:
    long = [
        (str(p.relative_to(ROOT)), n)
        for p in _source_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 550
    ]
    assert long == []


def test_cli_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from benchmark.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Commands:" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_validate_command_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "import benchmark.cli.validate\n"
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
