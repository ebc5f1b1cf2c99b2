"""Graph-centrality baselines: TextRank (sumy) and continuous LexRank (networkx).

* ``textrank`` (Mihalcea & Tarau 2004) is sumy's ``TextRankSummarizer``: edge weight
  = shared words / (log|S_i| + log|S_j|), PageRank with damping 0.85 by power
  iteration to 1e-4. sumy implements the paper's similarity as written, so we use it,
  fed the project's sentences and word tokens, its stop words and Snowball stemmer.
* ``lexrank`` (Erkan & Radev 2004) is the paper's main algorithm, **LexRank with a
  threshold**: an edge joins two sentences when the
  idf-modified cosine of their tf-idf vectors (scikit-learn, idf over the pooled
  sentences) exceeds ``threshold`` (0.1, the paper's best), every edge weighs 1, and
  PageRank with damping 0.85 (networkx, tolerance 1e-10) ranks the sentences.
  ``threshold=0`` gives the paper's **continuous** LexRank (edges weighted by the
  cosine). Why the threshold by default: the continuous variant's first power step
  scores sentence i by sum_j cos(i, j) = n * x_i . centroid, which is the ``centroid``
  baseline's ranking up to the norm of x_i; on short inputs iteration hardly moves it,
  so the two baselines printed the same summaries (all 4 seed examples, 41 of 50 XSum
  articles). Counting neighbours above a threshold is what makes LexRank a degree
  (prestige) method in the paper, distinct from centroid. Not sumy's
  ``LexRankSummarizer``: it stops an undamped power iteration at a coarse 0.1
  tolerance, so near-ties are decided by where the iteration stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from benchmark.schema import Example
from benchmark.systems.registry import register_system

from .common import BudgetConfig, Extractive, Pooled, ranked, words
from .sumy_bridge import sumy_language_tools, sumy_order


@register_system("textrank", "TextRank (sumy): PageRank over word-overlap sentence similarity")
class TextRank(Extractive):
    """Sentences by TextRank score (sumy's implementation, our tokenizer)."""

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        from sumy.summarizers.text_rank import TextRankSummarizer

        return sumy_order(TextRankSummarizer, pool, example.language or "en")


def tfidf_matrix(pool: Sequence[Pooled], language: str) -> Any:
    """Row-normalised tf-idf vectors of the pooled sentences (idf over the sentences).

    Stemmed, stop words removed (sumy's lists), so "cooperation"/"co-operation"
    variants and function words do not decide similarity.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    stemmer, stop = sumy_language_tools(language)

    def analyse(text: str) -> list[str]:
        return [stemmer(w.lower()) for w in words(text) if w.lower() not in stop]

    vectoriser = TfidfVectorizer(analyzer=analyse, norm="l2", smooth_idf=True)
    try:
        return vectoriser.fit_transform([p.text for p in pool])
    except ValueError:  # no content word in any sentence: every similarity is 0
        from scipy.sparse import csr_matrix

        return csr_matrix((len(pool), 1))


class LexRankConfig(BudgetConfig):
    """LexRank settings: the budget plus the cosine threshold of an edge."""

    threshold: float = Field(
        default=0.1, ge=0, lt=1,
        description="edge when cosine > threshold, weight 1; 0 = continuous (cosine weights)",
    )


@register_system("lexrank", "LexRank: PageRank over the graph of tf-idf cosine > 0.1")
class LexRank(Extractive):
    """LexRank with a threshold (or continuous with ``threshold=0``) via networkx PageRank."""

    Config = LexRankConfig
    config: LexRankConfig

    def order(self, pool: Sequence[Pooled], example: Example) -> list[int]:
        import networkx as nx

        x = tfidf_matrix(pool, example.language or "en")
        sim = (x @ x.T).toarray()
        cut = self.config.threshold
        graph = nx.Graph()
        graph.add_nodes_from(range(len(pool)))
        for i in range(len(pool)):
            for j in range(i + 1, len(pool)):
                if sim[i, j] > cut:
                    graph.add_edge(i, j, weight=1.0 if cut > 0 else float(sim[i, j]))
        scores = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-10, max_iter=1000)
        return ranked([scores[i] for i in range(len(pool))])
