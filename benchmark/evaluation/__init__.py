"""Scoring: predictions in, a signed :class:`~benchmark.schema.RunResult` out.

``evaluate`` scores a system on a dataset (and ``texts`` scores parallel lists of
texts); ``predictions`` reads prediction files; ``results`` writes, loads and compares
result files; ``signature`` pins every setting; ``stats`` holds the bootstrap CIs,
paired tests and Holm correction.
"""
