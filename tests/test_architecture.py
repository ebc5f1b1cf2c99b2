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


#: The stages in data-flow order; a module may import only from its own stage or an
#: earlier one. ``metrics`` sits below ``dataset`` because building a dataset computes
#: fragment statistics; ``baselines`` are plug-ins that see everything up to ``systems``
#: and that nothing in the core imports (checked below); ``distributed`` (the executors
#: that map a stage's pure functions over partitions, locally or on Dask) serves the
#: stages after it and knows none of them.
STAGES = ["ground", "distributed", "metrics", "ingest", "group", "dataset", "evaluation", "systems",
          "baselines", "runner", "reports", "cli"]
GROUND = {"benchmark", "benchmark.schema", "benchmark.errors", "benchmark.rows",
          "benchmark.limits", "benchmark.seeding", "benchmark.sentences", "benchmark.files"}


def _stage(module: str) -> str:
    if module in GROUND:
        return "ground"
    room = module.split(".")[1]
    assert room in STAGES, f"{module} belongs to no stage; add its room to STAGES"
    return room


def test_imports_point_from_a_later_stage_to_an_earlier_one() -> None:
    wrong = [
        f"{m} ({_stage(m)}) imports {n} ({_stage(n)})"
        for m, targets in _import_graph().items()
        for n in targets
        if STAGES.index(_stage(n)) > STAGES.index(_stage(m))
    ]
    assert wrong == []


def test_package_root_holds_only_ground_modules_and_subpackages() -> None:
    root = ROOT / "benchmark"
    modules = {f"benchmark.{p.stem}" for p in root.glob("*.py") if p.stem != "__init__"}
    assert modules == GROUND - {"benchmark"}
    rooms = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    assert rooms == set(STAGES) - {"ground", "baselines"}


def _names_in_code(path: Path) -> list[str]:
    """Module names a file reaches: imports, and string constants that name a
    ``benchmark.*`` module (what ``importlib.import_module("...")`` would load)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.append(node.value)
    return names


def test_the_core_never_imports_the_baselines() -> None:
    """Built-in systems come in through the ``sumbench.systems`` entry point like any
    plug-in; the oracle and the human ceiling are reached through registry hooks."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in ROOT.joinpath("benchmark").rglob("*.py")
        for name in _names_in_code(path)
        if name == "benchmark.baselines" or name.startswith("benchmark.baselines.")
        or name == "baselines" or name.startswith("baselines.")
    ]
    assert offenders == []


def test_the_rule_above_sees_imports_made_through_importlib(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text('import importlib\nimportlib.import_module("benchmark.baselines")\n')
    assert "benchmark.baselines" in _names_in_code(sneaky)


def _definitions() -> dict[str, tuple[set[str], dict[str, str]]]:
    """module -> (names it defines at top level, names it imports -> from where)."""
    out: dict[str, tuple[set[str], dict[str, str]]] = {}
    for path in _source_files():
        defined: set[str] = set()
        imported: dict[str, str] = {}

        def walk(body: list[ast.stmt], defined: set[str], imported: dict[str, str]) -> None:
            for node in body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    defined.add(node.name)
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    defined |= {n.id for t in targets for n in ast.walk(t)
                                if isinstance(n, ast.Name)}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported |= {a.asname or a.name: node.module for a in node.names}
                elif isinstance(node, (ast.If, ast.Try)):
                    walk(node.body, defined, imported)

        walk(ast.parse(path.read_text(encoding="utf-8")).body, defined, imported)
        out[_module_name(path)] = (defined, imported)
    return out


def test_each_name_is_imported_from_its_owner() -> None:
    """No module re-exports another's names (a package's own ``__init__`` may present
    its package); every ``from benchmark.X import name`` names the module defining it."""
    defs = _definitions()
    packages = {_module_name(p) for p in _source_files() if p.name == "__init__.py"}
    wrong = []
    for path in [*_source_files(), *ROOT.joinpath("tests").glob("*.py"),
                 *ROOT.joinpath("bench").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module in defs
                    and node.module not in packages):
                defined, _ = defs[node.module]
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{a.name}"
                          for a in node.names if a.name not in defined]
    assert wrong == []


def test_all_lists_only_own_names() -> None:
    defs = _definitions()
    wrong = []
    for path in _source_files():
        mod = _module_name(path)
        if path.name == "__init__.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.List)
                    and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)):
                wrong += [f"{mod}.{e.value}" for e in node.value.elts
                          if isinstance(e, ast.Constant) and e.value not in defs[mod][0]]
    assert wrong == []


def test_public_map_points_at_the_owners() -> None:
    import benchmark

    defs = _definitions()
    wrong = [f"{name} -> {mod}" for name, mod in benchmark._API.items()
             if name not in defs[mod][0]]
    assert wrong == []


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
        # pydantic too: the records are not needed to list the commands
        f"print(sorted(m for m in {sorted(HEAVY | {'pydantic'})!r} if m in sys.modules))\n"
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
