"""sumbench: summarisation benchmarks from near-duplicate news, scored reproducibly.

The public API is re-exported here lazily (heavy libraries load on first use)::

    import benchmark
    ds = benchmark.build_dataset("data/raw", out="out/seeds")

See the docs/ folder for a worked example of every stage on the bundled seeds.
"""

from __future__ import annotations

import os

# Nothing at run time may reach the network: `datasets` would otherwise send a
# download-count request from load_dataset("parquet", ...). Users may override.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")

__version__ = "0.1.0"
