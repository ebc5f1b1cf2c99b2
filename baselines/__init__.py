"""Built-in baseline systems; importing this package registers them.

Installed as ``benchmark.baselines`` so sumbench claims one top-level name.
"""
