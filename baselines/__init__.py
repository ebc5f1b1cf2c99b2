"""Built-in baseline systems; importing this package registers them.

Installed as ``benchmark.baselines`` so sumbench claims one top-level name. Each
module registers its systems on import; heavy libraries (sumy, scikit-learn,
networkx, rouge-score) are imported only when a system summarises.
"""

from . import frequency, graph, human, oracle, positional
from .human import (
    HUMAN_SYSTEM_NAME,
    evaluate_human_ceiling,
    human_ceiling,
    human_ceiling_examples,
    merge_folds,
)
from .oracle import greedy_oracle

__all__ = [
    "HUMAN_SYSTEM_NAME",
    "evaluate_human_ceiling",
    "frequency",
    "graph",
    "greedy_oracle",
    "human",
    "human_ceiling",
    "human_ceiling_examples",
    "merge_folds",
    "oracle",
    "positional",
]
