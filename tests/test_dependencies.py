"""Every package the code imports is declared (issue 17, item 18): a dependency that only
arrives through another one (nltk via rouge-score, pyarrow via datasets, scipy via
scikit-learn) breaks the day that one drops it; mypy checks the baselines like the core."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    from pip._vendor import tomli as tomllib

#: optional extras whose packages the code may import lazily (not the test tools of `dev`)
RUNTIME_EXTRAS = ("embeddings", "report", "distributed")
#: modules whose host loads sumbench, not the other way round: pytest imports the
#: `sumbench` pytest11 plugin, so the plugin's `import pytest` needs no declaration
HOSTS = {"pytest": "benchmark/reports/pytest_plugin.py"}


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


def _imports(folder: Path) -> dict[str, str]:
    """Top-level module -> the first file importing it, for every absolute import."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in RUNTIME_EXTRAS:
        declared |= {_name(r) for r in project["optional-dependencies"][extra]}
    owners = packages_distributions()
    missing = []
    for folder in ("benchmark", "baselines"):
        for module, where in _imports(ROOT / folder).items():
            if module in sys.stdlib_module_names or module in ("benchmark", "__future__"):
                continue
            if HOSTS.get(module) == where:
                continue
            dists = {d.lower().replace("_", "-") for d in owners.get(module, [module])}
            if not dists & declared:
                missing.append(f"{module} ({', '.join(sorted(dists))}, imported in {where})")
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_datasets_is_bounded_and_mypy_checks_the_baselines() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (spec,) = [r for r in config["project"]["dependencies"] if _name(r) == "datasets"]
    assert re.search(r"<\s*\d", spec), f"datasets needs an upper bound: {spec}"
    assert set(config["tool"]["mypy"]["files"]) == {"benchmark", "baselines"}
