"""How ``sumbench run`` ties its systems to the scoring profile it evaluates with.

Two things depend on the profile (tokenizer, stemming, language, ROUGE-1.5.5 mode):

- the **oracle**, an upper bound only for the tokens it selected with. Under the
  default profile it keeps its ``tokenizer=auto`` rule; when the user chose a profile
  on purpose, its :meth:`~benchmark.systems.registry.System.for_evaluation` hook pins
  it to that profile, which changes its config and therefore its cache key, so its
  predictions are never mixed across profiles. No other system's predictions depend
  on scoring, so their caches are shared.
- the **advice** printed when the token audit finds letters dropped: which options to
  pass (``--tokenizer unicode --language ru``) so that ``run`` itself scores correctly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from benchmark.metrics.tokenizers import normalize_language
from benchmark.schema import Example, RunResult

if TYPE_CHECKING:
    from benchmark.evaluation.evaluate import EvalConfig

#: The :class:`~benchmark.evaluation.evaluate.EvalConfig` fields that make the tokenizer profile.
PROFILE_FIELDS = frozenset({"tokenizer", "stem", "language", "rouge155"})


def profile_chosen(config: EvalConfig | None) -> bool:
    """True if ``config`` sets a profile field explicitly (``EvalConfig(tokenizer=...)``).

    Why explicit and not "differs from the default": ``--tokenizer rouge-score`` on
    purpose pins the oracle to rouge-score; saying nothing keeps today's ``auto`` rule.
    """
    return config is not None and bool(PROFILE_FIELDS & config.model_fields_set)


def suggested_options(examples: Sequence[Example], config: EvalConfig) -> str:
    """The ``sumbench run`` options that score these examples' text with its letters."""
    languages = sorted({normalize_language(ex.language) or "" for ex in examples} - {""})
    opts = "--tokenizer unicode"
    if len(languages) == 1 and not config.language:
        opts += f" --language {languages[0]}"
    elif config.language:
        opts += f" --language {config.language}"
    return opts


def audit_advice(results: Sequence[RunResult], examples: Sequence[Example],
                 config: EvalConfig) -> str | None:
    """One message for every result whose token audit warns, with the options to pass.

    Why one: the audit runs per system, and the same warning repeated per system (as
    raw Python warnings) buried what to do about it.
    """
    flagged = [r for r in results if r.audit is not None and r.audit.warning]
    if not flagged:
        return None
    shares = sorted(r.audit.dropped_share for r in flagged if r.audit is not None)
    span = (f"{shares[0]:.1%}" if shares[0] == shares[-1]
            else f"{shares[0]:.1%}-{shares[-1]:.1%}")
    profile = flagged[0].audit.profile if flagged[0].audit is not None else config.tokenizer
    names = ", ".join(r.system for r in flagged[:4]) + (", ..." if len(flagged) > 4 else "")
    message = (f"tokenisation audit: tokenizer profile '{profile}' drops {span} of the "
               f"letters in {len(flagged)} of {len(results)} result(s) ({names}), so their "
               "ROUGE is understated")
    if profile == "unicode":
        return f"{message}; see the audit in each result file"
    how = f"with {suggested_options(examples, config)}"
    if config.rouge155:
        how = f"without --rouge155 (ROUGE-1.5.5 keeps only ASCII letters and digits) and {how}"
    return f"{message}; score {how} (cached predictions are reused)"
