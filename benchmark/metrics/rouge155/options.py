"""ROUGE-1.5.5 options: a pydantic model and a parser for pasted Perl option strings.

Why: papers quote the Perl command line ("-n 4 -m -a -l 100 -p 0.5 -c 95 -r 1000
-f A -t 0"); users must be able to paste it as is. Options that change the
per-evaluation numbers become fields; options that only concern the Perl's file
handling, printing or bootstrap are accepted and ignored; anything else is refused
with a :class:`ConfigError` naming the option, so no setting is silently dropped.
"""

from __future__ import annotations

import shlex
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from benchmark.errors import ConfigError

# Perl's getopts('ahHb:c:de:f:l:mMn:p:st:r:2:3:w:uUvxz:'): letters followed by ':' take a value.
_WITH_VALUE = set("bcefl npt r23wz".replace(" ", ""))
_FLAGS = set("ahHdmMsuUvx")
# Accepted and ignored: they only concern files, printing or the Perl's bootstrap.
IGNORED_OPTIONS: dict[str, str] = {
    "-a": "evaluate all systems in the config file (sumbench scores what it is given)",
    "-c": "confidence level of the Perl's bootstrap (sumbench bootstraps on its own)",
    "-d": "print per-evaluation scores (sumbench always keeps them)",
    "-e": "location of the Perl's data files (sumbench ships its own copies)",
    "-r": "number of bootstrap resamples of the Perl (sumbench bootstraps on its own)",
    "-v": "verbose debugging output",
    "-z": "format of the Perl's config file list",
}
# Refused, with the reason given to the user.
REFUSED_OPTIONS: dict[str, str] = {
    "-3": "Basic Element (BE) scoring needs parsed BE files, which sumbench does not produce",
    "-M": "stemming models only (undocumented in ROUGE-1.5.5) is not reproduced",
    "-h": "prints the Perl's usage and computes nothing",
    "-H": "prints the Perl's usage and computes nothing",
}


class Rouge155Options(BaseModel):
    """Every ROUGE-1.5.5 setting that changes per-evaluation numbers (Perl letter in brackets)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    n: int | None = Field(default=None, ge=0, description="[-n] ROUGE-N for N = 1..n; None: none")
    stem: bool = Field(
        default=False,
        validation_alias=AliasChoices("stem", "m"),
        description="[-m] WordNet exceptions + Porter stemmer",
    )
    remove_stopwords: bool = Field(
        default=False,
        validation_alias=AliasChoices("remove_stopwords", "s"),
        description="[-s] drop SMART stop words",
    )
    length_limit: int | None = Field(
        default=None,
        gt=0,
        validation_alias=AliasChoices("length_limit", "l"),
        description="[-l] first N words",
    )
    byte_limit: int | None = Field(
        default=None,
        gt=0,
        validation_alias=AliasChoices("byte_limit", "b"),
        description="[-b] first N bytes",
    )
    formula: Literal["A", "B"] = Field(
        default="A",
        validation_alias=AliasChoices("formula", "f"),
        description="[-f] A: pool refs, B: best ref",
    )
    alpha: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        validation_alias=AliasChoices("alpha", "p"),
        description="[-p] F weight of precision",
    )
    skip_distance: int | None = Field(default=None, description="[-2] skip-bigram gap; <0: any")
    skip_unigrams: bool = Field(default=False, description="[-u] add unigrams to skip-bigrams")
    skip_both: bool = Field(default=False, description="[-U] report ROUGE-S and ROUGE-SU")
    lcs: bool = Field(default=True, description="ROUGE-L; [-x] turns it off")
    wlcs_weight: float | None = Field(default=None, gt=0.0, description="[-w] ROUGE-W weight")

    # Perl-letter views, so code may read ``opts.m`` as well as ``opts.stem``.
    @property
    def m(self) -> bool:
        """``-m``: same as :attr:`stem`."""
        return self.stem

    @property
    def s(self) -> bool:
        """``-s``: same as :attr:`remove_stopwords`."""
        return self.remove_stopwords

    @property
    def l(self) -> int | None:  # noqa: E743
        """``-l``: same as :attr:`length_limit`."""
        return self.length_limit

    @property
    def b(self) -> int | None:
        """``-b``: same as :attr:`byte_limit`."""
        return self.byte_limit

    @property
    def f(self) -> str:
        """``-f``: same as :attr:`formula`."""
        return self.formula

    @property
    def p(self) -> float:
        """``-p``: same as :attr:`alpha`."""
        return self.alpha

    @model_validator(mode="after")
    def _one_limit(self) -> Rouge155Options:
        if self.length_limit is not None and self.byte_limit is not None:
            raise ConfigError(
                "rouge155: give -l (words) or -b (bytes), not both (the Perl refuses too)"
            )
        return self

    def perl_options(self) -> str:
        """Canonical Perl option string of the settings that change numbers (no file options)."""
        parts: list[str] = []
        if self.n:
            parts.append(f"-n {self.n}")
        if self.stem:
            parts.append("-m")
        if self.remove_stopwords:
            parts.append("-s")
        if self.skip_distance is not None:
            parts.append(f"-2 {self.skip_distance}")
            if self.skip_unigrams:
                parts.append("-u")
            elif self.skip_both:
                parts.append("-U")
        if not self.lcs:
            parts.append("-x")
        if self.wlcs_weight is not None:
            parts.append(f"-w {_num(self.wlcs_weight)}")
        if self.length_limit is not None:
            parts.append(f"-l {self.length_limit}")
        if self.byte_limit is not None:
            parts.append(f"-b {self.byte_limit}")
        parts.append(f"-f {self.formula}")
        parts.append(f"-p {_num(self.alpha)}")
        return " ".join(parts)

    def metric_names(self) -> list[str]:
        """Score-key prefixes these options produce, in the Perl's printing order."""
        names = [f"rouge{i}" for i in range(1, (self.n or 0) + 1)]
        if self.lcs:
            names.append("rougeL")
        if self.wlcs_weight is not None:
            names.append(f"rougeW{_num(self.wlcs_weight)}")
        if self.skip_distance is not None:
            dist = str(self.skip_distance) if self.skip_distance >= 0 else "*"
            if self.skip_unigrams:
                names.append(f"rougeSU{dist}")
            elif self.skip_both:
                names += [f"rougeS{dist}", f"rougeSU{dist}"]
            else:
                names.append(f"rougeS{dist}")
        return names


def _num(value: float) -> str:
    """Shortest faithful text of a number (1.0 -> '1', 0.5 -> '0.5')."""
    return f"{value:g}" if float(value) == float(f"{value:g}") else repr(value)


def _split_perl_argv(option_string: str) -> list[str]:
    try:
        argv = shlex.split(option_string)
    except ValueError as exc:
        raise ConfigError(f"rouge155: cannot parse option string {option_string!r}: {exc}") from exc
    # Tolerate a pasted command line: drop 'perl' and the script name before the options.
    for i, word in enumerate(argv):
        if word.endswith(".pl"):
            return argv[i + 1 :]
    return argv


def _getopts(argv: list[str]) -> dict[str, str | None]:
    """Perl Getopt::Std semantics: bundled flags (-ms), attached or detached values (-n4, -n 4)."""
    found: dict[str, str | None] = {}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            break
        if not word.startswith("-") or word == "-":
            break  # the config file and system ID: positional, ignored
        rest = word[1:]
        while rest:
            letter, rest = rest[0], rest[1:]
            if letter in _WITH_VALUE:
                if not rest:
                    i += 1
                    if i >= len(argv):
                        raise ConfigError(f"rouge155: option -{letter} needs a value")
                    rest = argv[i]
                found[letter] = rest
                rest = ""
            elif letter in _FLAGS:
                found[letter] = None
            else:
                raise ConfigError(
                    f"rouge155: unknown ROUGE-1.5.5 option -{letter} (in {word!r}); "
                    "see docs/rouge155.md for the accepted options"
                )
        i += 1
    return found


def _number(letter: str, value: str | None, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(str(value))
    except ValueError:
        raise ConfigError(
            f"rouge155: option -{letter} needs a{'n integer' if kind is int else ' number'}, "
            f"got {value!r}"
        ) from None


def parse_perl_options(option_string: str) -> Rouge155Options:
    """Options from a pasted ROUGE-1.5.5 option string, e.g. ``"-n 4 -m -a -l 100 -f A"``."""
    opts = _getopts(_split_perl_argv(option_string))
    for letter, reason in REFUSED_OPTIONS.items():
        if letter[1] in opts:
            raise ConfigError(f"rouge155: option {letter} is not supported: {reason}")
    if "c" in opts:
        level = _number("c", opts["c"], float)
        if not 0 <= level <= 100:
            raise ConfigError("rouge155: -c must be within 0 and 100 (the Perl refuses too)")
    if "r" in opts:
        _number("r", opts["r"], int)
    if "t" in opts and int(_number("t", opts["t"], float)) in (1, 2):
        raise ConfigError(
            "rouge155: -t 1/-t 2 (token-level corpus averaging) is not supported; "
            "use -t 0, the per-summary averaging sumbench reports"
        )
    fields: dict[str, object] = {
        "stem": "m" in opts,
        "remove_stopwords": "s" in opts,
        "skip_unigrams": "u" in opts,
        "skip_both": "U" in opts and "u" not in opts,
        "lcs": "x" not in opts,
    }
    if "n" in opts:
        fields["n"] = int(_number("n", opts["n"], int)) or None
    if "l" in opts:
        fields["length_limit"] = int(_number("l", opts["l"], int)) or None
    if "b" in opts:
        fields["byte_limit"] = int(_number("b", opts["b"], int)) or None
    if "f" in opts:
        if opts["f"] not in ("A", "B"):
            raise ConfigError(f"rouge155: -f must be A or B, got {opts['f']!r}")
        fields["formula"] = opts["f"]
    if "p" in opts:
        fields["alpha"] = float(_number("p", opts["p"], float))
    if "2" in opts:
        fields["skip_distance"] = int(_number("2", opts["2"], int))
    if "w" in opts:
        fields["wlcs_weight"] = float(_number("w", opts["w"], float))
    try:
        return Rouge155Options.model_validate(fields)
    except ConfigError:
        raise
    except ValueError as exc:  # pydantic ValidationError
        first = exc.errors()[0] if hasattr(exc, "errors") else {"loc": (), "msg": str(exc)}
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"rouge155: invalid option value for {where}: {first['msg']}") from None
