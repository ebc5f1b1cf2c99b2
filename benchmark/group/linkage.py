"""Capped linkage: from accepted edges to clusters, one connected component at a time.

Clusters grow by single edges in a fixed order (reprints first, then by
descending score, then by ids), but two groups merge only when the merged group
stays within ``max_cluster_size`` and at least ``min_link_fraction`` of all
their cross pairs are accepted edges; cross pairs that were not candidates are
judged on demand. Every judgement stays inside one connected component of the
accepted edges, so components can be linked apart (on different workers too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from benchmark.group.config import GroupConfig
from benchmark.schema import Cluster, Edge

#: Edges the linkage visits between two reports to its ``progress``.
PROGRESS_EVERY = 1000


class Judge(Protocol):
    """What the linkage asks of a pair judge (:class:`~benchmark.group.cluster.PairJudge`)."""

    def edge(self, a: str, b: str) -> Edge | None:
        """The accepted edge between ``a`` and ``b`` (any order), or None."""

    def known(self, a: str, b: str) -> bool | None:
        """The memoised verdict of a canonical pair, None if unjudged."""

    def vetoed(self, a: str, b: str) -> bool:
        """Whether the pair is rejected by a cheap rule alone (then memoised)."""

    def remember(self, edges: Iterable[Edge]) -> None:
        """Take accepted edges judged elsewhere as verdicts."""

    def accepted(self) -> list[Edge]:
        """Every accepted edge judged so far, sorted by (a, b)."""

    def forget_rejections(self) -> None:
        """Drop the memo of rejected pairs."""


def link(ids: Sequence[str], edges: Sequence[Edge], judge: Judge,
         config: GroupConfig, progress: Callable[[int], Any] | None = None) -> list[list[str]]:
    """Capped agglomeration over accepted edges; returns sorted member lists.

    Only cross pairs of two groups joined by an edge are judged, so each call
    stays inside one connected component of ``edges``: :func:`link_components`
    runs it per component with the same result. ``progress(n)`` is told of every
    ``n`` edges visited.

    A merge is decided by :func:`_links_enough`, which stops judging as soon as
    the rejected cross pairs alone rule the merge out, and a refused pair of groups
    is not reconsidered until one of them has grown: the same merges as counting
    every cross pair each time, and every pair inside a final cluster is still
    judged (its groups merged), so the clusters' edges are the same too.
    """
    groups: dict[str, list[str]] = {i: [i] for i in ids}
    root = {i: i for i in ids}
    grown = dict.fromkeys(ids, 0)  # merges each group has taken in: its version
    refused: set[tuple[str, int, str, int]] = set()
    order = sorted(edges, key=lambda e: (e.kind != "reprint", -e.score, e.a, e.b))
    done = 0
    for e in order:
        done += 1
        if progress is not None and done == PROGRESS_EVERY:
            progress(done)
            done = 0
        ra, rb = root[e.a], root[e.b]
        if ra == rb:
            continue
        left, right = groups[ra], groups[rb]
        if len(left) + len(right) > config.max_cluster_size:
            continue
        key = (ra, grown[ra], rb, grown[rb]) if ra < rb else (rb, grown[rb], ra, grown[ra])
        if key in refused:
            continue
        if not _links_enough(left, right, judge, config.min_link_fraction):
            refused.add(key)
            continue
        keep, drop = min(ra, rb), max(ra, rb)
        groups[keep] = sorted(left + right)
        grown[keep] += 1
        for member in groups.pop(drop):
            root[member] = keep
    if progress is not None and done:
        progress(done)
    return sorted(groups.values())


def _links_enough(left: Sequence[str], right: Sequence[str], judge: Judge,
                  fraction: float) -> bool:
    """Whether at least ``fraction`` of the cross pairs of two groups are accepted edges.

    Verdicts already memoised are counted first, then the pairs the date veto rejects
    cheaply (:meth:`Judge.vetoed`); the rest are judged one by one, until the
    rejections alone make the fraction unreachable. A merge that succeeds has had
    every cross pair judged.
    """
    need = fraction * len(left) * len(right)
    linked = missed = 0
    unknown: list[tuple[str, str]] = []
    for x in left:
        for y in right:
            a, b = (x, y) if x < y else (y, x)
            verdict = judge.known(a, b)
            if verdict is None:
                unknown.append((a, b))
            elif verdict:
                linked += 1
            else:
                missed += 1
    total = len(left) * len(right)
    if linked + len(unknown) < need:
        return False
    rest: list[tuple[str, str]] = []
    for a, b in unknown:  # the cheap rejections first: they may settle it
        if judge.vetoed(a, b):
            missed += 1
            if total - missed < need:
                return False
        else:
            rest.append((a, b))
    for a, b in rest:
        if judge.edge(a, b) is not None:
            linked += 1
        else:
            missed += 1
            if total - missed < need:
                return False
    return linked >= need


def components(ids: Sequence[str], edges: Iterable[Edge],
               ) -> list[tuple[list[str], list[Edge]]]:
    """Connected components of the accepted-edge graph, with their edges (union-find).

    Needs ids and edges only, no profile: what a driver holds. Each component's
    members are sorted, its edges keep their input order, and components come
    sorted by their smallest id.
    """
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = list(edges)
    for e in edges:
        ra, rb = find(e.a), find(e.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for i in sorted(parent):
        members.setdefault(find(i), []).append(i)
    inside: dict[str, list[Edge]] = {r: [] for r in members}
    for e in edges:
        inside[find(e.a)].append(e)
    return [(members[r], inside[r]) for r in sorted(members, key=lambda r: members[r][0])]


def code_components(n: int, codes: Any) -> tuple[Any, list[Any]]:
    """:func:`components` of ``n`` id-sorted articles from bare edges, codes ``i * n + j``.

    Returns each article's component number and each component's members (positions,
    ascending); components are numbered by their smallest member, as :func:`components`
    orders them. What a driver holding only ids and edges computes (scipy's
    connected components: 8 bytes per edge, no Python object per edge).
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if n == 0:
        return np.empty(0, dtype=np.int64), []
    graph = coo_matrix((np.ones(len(codes), dtype=np.int8), (codes // n, codes % n)),
                       shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    first = np.full(count, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n))
    renumber = np.empty(count, dtype=np.int64)
    renumber[np.argsort(first)] = np.arange(count)
    labels = renumber[labels]
    order = np.argsort(labels, kind="stable")
    return labels, np.split(order, np.cumsum(np.bincount(labels, minlength=count))[:-1])


def link_components(parts: Iterable[tuple[list[str], list[Edge]]], judge: Judge,
                    config: GroupConfig, progress: Callable[[int], Any] | None = None,
                    ) -> list[Cluster]:
    """:func:`link` per component (of :func:`components`), with each cluster's accepted edges.

    Equal to one global :func:`link` (merges in different components never see
    each other), so components can be linked on different workers; ``judge``
    needs the profiles of the given components' members only. ``progress(n)`` is
    told of every ``n`` accepted edges visited.
    """
    clusters: list[list[str]] = []
    for ids, edges in parts:
        judge.remember(edges)
        clusters.extend(link(ids, edges, judge, config, progress))
        # no later component asks for a pair of this one: its rejections need no memo
        # (the accepted edges stay, for the clusters' edges)
        judge.forget_rejections()
    return _with_edges(clusters, judge.accepted())


def _with_edges(clusters: Iterable[list[str]], accepted: Iterable[Edge]) -> list[Cluster]:
    """Clusters (sorted member lists) with the accepted edges inside each, sorted by id."""
    clusters = sorted(clusters)
    owner = {m: members[0] for members in clusters for m in members}
    inside: dict[str, list[Edge]] = {members[0]: [] for members in clusters}
    for e in accepted:
        if e.a in owner and owner[e.a] == owner.get(e.b):
            inside[owner[e.a]].append(e)
    return [Cluster(id=m[0], members=m, edges=inside[m[0]]) for m in clusters]
