"""Running systems over a dataset: batches, timeouts, the prediction cache, failure
limits, and the scoring of each run into result files.
"""
