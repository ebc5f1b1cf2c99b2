"""sumbench: summarisation benchmarks from near-duplicate news, scored reproducibly.

The public Python API mirrors the ``sumbench`` command. Names load lazily (PEP 562)
so ``import benchmark`` stays cheap; heavy libraries load on first use::

    import benchmark
    report = benchmark.build_dataset("data/raw", "out/seeds")
    ds = benchmark.load_dataset_dir("out/seeds")
    preds = {ex.id: ex.documents[0].split(".")[0] for ex in ds.splits["test"]}
    result = benchmark.evaluate_predictions(ds.splits["test"], preds,
                                            dataset_name=ds.name, fingerprint=ds.fingerprint)
    print(result.signature, result.aggregates["rouge1_f"])

See ``docs/`` for a worked example of every stage on the bundled seeds.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# Nothing at run time may reach the network: `datasets` would otherwise send a
# download-count request from load_dataset("parquet", ...). Users may override.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")

__version__ = "0.1.0"

#: public name -> module that defines it
_API: dict[str, str] = {
    # records and errors
    **{n: "benchmark.schema" for n in (
        "Article", "Cluster", "Edge", "Example", "FragmentStats", "BuildInfo",
        "Prediction", "ExampleScore", "Aggregate", "TokenAudit", "RunResult", "json_schemas",
    )},
    **{n: "benchmark.errors" for n in (
        "SumbenchError", "InputError", "OutputError", "ConfigError",
    )},
    # dataset builder
    "load_articles": "benchmark.ingest",
    "clean_text": "benchmark.ingest",
    "group_articles": "benchmark.group",
    "GroupConfig": "benchmark.group",
    "build_dataset": "benchmark.build",
    "BuildConfig": "benchmark.build",
    "import_dataset": "benchmark.importer",
    "load_dataset_dir": "benchmark.export",
    "validate_dataset_dir": "benchmark.export",
    "split_sentences": "benchmark.sentences",
    "fragment_stats": "benchmark.metrics.fragments",
    # evaluator
    "evaluate_predictions": "benchmark.evaluate",
    "EvalConfig": "benchmark.evaluate",
    "read_predictions": "benchmark.evaluate",
    "write_result": "benchmark.evaluate",
    "load_result": "benchmark.evaluate",
    "evaluate_dataset": "benchmark.evaluate",
    "score_parallel": "benchmark.evaluate",
    "compare_runs": "benchmark.results",
    "check_runs": "benchmark.check",
    "token_audit": "benchmark.metrics.audit",
    "RougeMetric": "benchmark.metrics.rouge",
    "Rouge155Metric": "benchmark.metrics.rouge155",
    "Metric": "benchmark.metrics.base",
    "register_metric": "benchmark.metrics.base",
    "bootstrap_ci": "benchmark.stats",
    "paired_bootstrap": "benchmark.stats",
    "approximate_randomization": "benchmark.stats",
    "holm": "benchmark.stats",
    "bootstrap_cis": "benchmark.stats",
    # systems
    "System": "benchmark.systems.registry",
    "SystemConfig": "benchmark.systems.registry",
    "register_system": "benchmark.systems.registry",
    "get_system": "benchmark.systems.registry",
    "available_systems": "benchmark.systems.registry",
    "resolve_system": "benchmark.systems.adapters",
    # runner and leaderboard
    "run_systems": "benchmark.run",
    "predict": "benchmark.run",
    "build_leaderboard": "benchmark.report",
    "load_runs": "benchmark.report",
    "write_leaderboard": "benchmark.report",
    # HTML report (plots need the `report` extra: matplotlib)
    "load_run_inputs": "benchmark.html_report",
    "render_html_report": "benchmark.html_report",
    "write_html_report": "benchmark.html_report",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'benchmark' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
