"""Word-frequency baselines: tf-idf centroid (scikit-learn) and SumBasic (sumy).

* ``centroid`` (after Radev et al. 2004): the centroid is the mean of the pooled
  sentences' tf-idf vectors; sentences are ranked by cosine to it, and a sentence
  whose cosine to a higher-ranked kept sentence exceeds ``redundancy`` (0.95) is
  dropped, so near-identical sentences from different sources are not both taken.
  scikit-learn's ``TfidfVectorizer`` does the weighting; the rest is a few lines.
* ``sumbasic`` (Nenkova & Vanderwende 2005) is sumy's ``SumBasicSummarizer``: pick the
  sentence with the highest mean word probability, square the probabilities of its
  words, repeat; the pick order is the ranking. sumy is used as is, fed our tokens.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from benchmark.schema import Example
from benchmark.systems.registry import register_system

from .common import BudgetConfig, Extractive, Pooled, ranked
from .graph import tfidf_matrix
from .sumy_bridge import sumy_order


class CentroidConfig(BudgetConfig):
    """Centroid settings: the budget plus the redundancy cut-off."""

    redundancy: float = Field(
        default=0.95, gt=0, le=1, description="drop a sentence this similar (cosine) to a kept one"
    )


@register_system("centroid", "tf-idf centroid: sentences closest to the mean tf-idf vector")
class Centroid(Extractive):
    """Sentences by cosine to the tf-idf centroid, near-duplicates dropped."""

    Config = CentroidConfig
    config: CentroidConfig

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        import numpy as np

        x = tfidf_matrix(pool, example.language or "en")
        centroid = np.asarray(x.mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centroid))
        scores = (x @ centroid) / norm if norm > 0 else np.zeros(len(pool))
        sim = (x @ x.T).toarray()
        kept: list[int] = []
        for i in ranked([float(s) for s in np.asarray(scores).ravel()]):
            if all(sim[i, j] <= self.config.redundancy for j in kept):
                kept.append(i)
        return kept


@register_system("sumbasic", "SumBasic (sumy): word-probability greedy selection")
class SumBasic(Extractive):
    """Sentences in SumBasic's pick order (sumy's implementation, our tokenizer)."""

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        from sumy.summarizers.sum_basic import SumBasicSummarizer

        return sumy_order(SumBasicSummarizer, pool, example.language or "en")
