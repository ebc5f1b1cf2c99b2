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

    # or, with plain lists (a reference string, or a list of them, per item):
    result = benchmark.score(["the cat sat"], ["a cat sat on the mat"])

See ``docs/`` for a worked example of every stage on the bundled seeds.
"""

from __future__ import annotations

import importlib
from typing import Any

# Nothing at run time may reach the network, yet importing sumbench must not change
# the caller's process: sumbench's own `datasets` calls run inside
# `benchmark.rows.hf_offline()` instead of setting HF_*_OFFLINE in os.environ.

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
    "ReadLimits": "benchmark.limits",
    "load_articles": "benchmark.ingest.load",
    "clean_text": "benchmark.ingest.clean",
    "group_articles": "benchmark.group.cluster",
    "group_articles_distributed": "benchmark.group.scaleout",
    "dask_client": "benchmark.distributed.engine",
    "GroupConfig": "benchmark.group.config",
    "build_dataset": "benchmark.dataset.build",
    "BuildConfig": "benchmark.dataset.build",
    "import_dataset": "benchmark.dataset.importer",
    "load_dataset_dir": "benchmark.dataset.folder",
    "validate_dataset_dir": "benchmark.dataset.folder",
    "split_sentences": "benchmark.sentences",
    "fragment_stats": "benchmark.metrics.fragments",
    **{n: "benchmark.ingest.synthetic" for n in (
        "write_synthetic_corpus", "read_story_labels", "pairwise_scores",
    )},
    # evaluator
    "evaluate_predictions": "benchmark.evaluation.evaluate",
    "EvalConfig": "benchmark.evaluation.evaluate",
    "read_predictions": "benchmark.evaluation.predictions",
    "write_result": "benchmark.evaluation.results",
    "load_result": "benchmark.evaluation.results",
    "evaluate_dataset": "benchmark.evaluation.evaluate",
    "score": "benchmark.evaluation.texts",
    "score_parallel": "benchmark.evaluation.texts",
    "compare_runs": "benchmark.evaluation.results",
    "check_runs": "benchmark.reports.check",
    "calibrate": "benchmark.reports.calibrate",
    "token_audit": "benchmark.metrics.audit",
    "RougeMetric": "benchmark.metrics.rouge",
    "Rouge155Metric": "benchmark.metrics.rouge155.metric",
    "Metric": "benchmark.metrics.base",
    "register_metric": "benchmark.metrics.base",
    "bootstrap_ci": "benchmark.evaluation.stats",
    "paired_bootstrap": "benchmark.evaluation.stats",
    "approximate_randomization": "benchmark.evaluation.stats",
    "holm": "benchmark.evaluation.stats",
    "bootstrap_cis": "benchmark.evaluation.stats",
    # systems
    "System": "benchmark.systems.registry",
    "SystemConfig": "benchmark.systems.registry",
    "register_system": "benchmark.systems.registry",
    "get_system": "benchmark.systems.registry",
    "available_systems": "benchmark.systems.registry",
    "resolve_system": "benchmark.systems.adapters",
    "load_plugins": "benchmark.systems.registry",
    # runner and leaderboard
    "run_systems": "benchmark.runner.run",
    "predict": "benchmark.runner.run",
    "build_leaderboard": "benchmark.reports.leaderboard",
    "load_runs": "benchmark.reports.leaderboard",
    "write_leaderboard": "benchmark.reports.leaderboard",
    # HTML report (plots need the `report` extra: matplotlib)
    "load_run_inputs": "benchmark.reports.html",
    "render_html_report": "benchmark.reports.html",
    "write_html_report": "benchmark.reports.html",
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
