"""Builds the optional C core of ROUGE (benchmark/metrics/_rouge*.c).

Everything else lives in pyproject.toml. ``optional=True``: where no C compiler or
Python headers are available the install still succeeds and ROUGE runs its
pure-Python path (same scores, slower; see docs/rouge.md "Speed").
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "benchmark.metrics._rougecore",
            sources=[
                "benchmark/metrics/_rougecore.c",
                "benchmark/metrics/_rougelcs.c",
                "benchmark/metrics/_rougetok.c",
            ],
            depends=["benchmark/metrics/_rougecore.h"],
            optional=True,
        )
    ]
)
