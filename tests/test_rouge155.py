"""The rouge155 profile against the original ROUGE-1.5.5 Perl script.

The Perl is the oracle: every comparison runs it (batched, one config.xml per option
set) on generated multi-sentence, multi-reference texts and requires the
per-evaluation scores (``-d``) to be equal to 5 decimals. Without Perl/XML::DOM
these tests skip saying how to enable them, except under ``CI=true`` where that is a
failure (``conftest.require``).
"""

from __future__ import annotations

import importlib.util
import random
import re
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, SHARED, SHARED_HOW, require
from perl_rouge import (
    CONFIGS,
    ROUGE_HOME,
    generated,
    perl_missing,
    perl_stems,
    run_perl_rouge,
)

from benchmark.errors import ConfigError, InputError
from benchmark.metrics.base import available_metrics
from benchmark.metrics.rouge155 import (
    Rouge155Metric,
    Rouge155Options,
    parse_perl_options,
    read_text,
    rouge155_stem,
)
from benchmark.metrics.rouge155.stemmer import smart_stopwords, wordnet_exceptions

XSUM = SHARED / "eval" / "xsum_human_eval.txt"
SEMEVAL = SHARED / "eval" / "semeval2022_task8_train.csv"


@pytest.fixture(scope="module")
def perl() -> None:
    """Skip when the Perl oracle cannot run, but fail under CI so a green CI proves it ran."""
    reason = perl_missing()
    how = SHARED_HOW if reason and "ROUGE-1.5.5.pl" in reason else (
        "install Perl with XML::DOM and DB_File (apt-get install perl libxml-dom-perl)")
    require(reason and f"the ROUGE-1.5.5 oracle cannot run: {reason}", how)


# --------------------------------------------------------------------------- Perl equality


@pytest.mark.parametrize("options", CONFIGS)
def test_equal_to_perl_per_example(perl: None, options: str, tmp_path: Path) -> None:
    seed = CONFIGS.index(options) + 100
    predictions, references = generated(seed)
    expected = run_perl_rouge(predictions, references, options, tmp_path)
    got = Rouge155Metric(options).score(predictions, references, [""] * len(predictions))
    keys = {f"{name}_{x}" for name in parse_perl_options(options).metric_names() for x in "rpf"}
    assert all(set(e) == keys for e in expected), "the Perl printed other measures"
    mismatches = [
        (i, key, out.scores[key], exp[key])
        for i, (out, exp) in enumerate(zip(got, expected, strict=True))
        for key in sorted(keys)
        if out.scores[key] != exp[key]
    ]
    assert not mismatches, mismatches[:10]
    # The texts are not trivial: some but not all examples match perfectly.
    f1 = [out.scores[sorted(keys)[0]] for out in got]
    assert 0 < sum(f1) < len(f1)


def test_non_ascii_vanishes_like_perl(perl: None, tmp_path: Path) -> None:
    russian = "Москва — столица России.\nГород большой."
    predictions = [russian, "Café naïve " + russian, "café"]
    references = [[russian], ["cafe naive"], ["caf"]]
    expected = run_perl_rouge(predictions, references, "-n 2 -m", tmp_path)
    got = Rouge155Metric("-n 2 -m").score(predictions, references, ["", "", ""])
    assert [g.scores for g in got] == expected
    assert got[0].scores["rouge1_f"] == 0.0  # identical Cyrillic text scores 0, as in the Perl
    assert got[2].scores["rouge1_r"] == 1.0  # 'café' tokenises to 'caf'


# --------------------------------------------------------------------------- stemmer


def _real_words() -> list[str]:
    import csv

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts.append(XSUM.read_text(encoding="utf-8"))
    csv.field_size_limit(1 << 30)
    with SEMEVAL.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            texts += [row[f"text{k}"] for k in (1, 2) if row[f"lang{k}"] == "en"]
    for exc in sorted((ROUGE_HOME / "data" / "WordNet-2.0-Exceptions").glob("*.exc")):
        texts.append(exc.read_text(encoding="ascii"))
    words: set[str] = set()
    for text in texts:
        words.update(re.findall(r"[a-z0-9]+", text.encode("utf-8").lower().decode("latin-1")))
    return sorted(words)


def test_stemmer_equals_perl_word_by_word(perl: None) -> None:
    words = _real_words()
    assert len(words) > 20_000
    expected = perl_stems(words)
    wrong = [(w, e, rouge155_stem(w)) for w, e in zip(words, expected, strict=True)]
    wrong = [t for t in wrong if t[1] != t[2]]
    assert not wrong, wrong[:20]


def test_stemmer_equals_perl_on_generated_suffix_words(perl: None) -> None:
    """Random stems with every suffix the rules name, to reach rules real text rarely does."""
    from benchmark.metrics.rouge155.stemmer import _STEP2, _STEP3, _STEP4

    rng = random.Random(12345)
    suffixes = [*_STEP2, *_STEP3, *_STEP4, "ment", "ent", "sion", "tion", "e", "ll", "eed"]
    suffixes += ["ed", "ing", "ies", "sses", "s", "y", "ss", "at", "bl", "iz", ""]
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < 30_000:
        stem = "".join(
            rng.choice("aeiouy" if rng.random() < 0.35 else letters)
            for _ in range(rng.randint(1, 7))
        )
        word = ("y" if rng.random() < 0.1 else "") + stem + rng.choice(suffixes)
        words.add(
            word + (rng.choice(["s", "ed", "ing", "ly", "ness"]) if rng.random() < 0.3 else "")
        )
    ordered = sorted(words)
    expected = perl_stems(ordered)
    wrong = [(w, e) for w, e in zip(ordered, expected, strict=True) if rouge155_stem(w) != e]
    assert not wrong, wrong[:20]


def test_stemmer_differs_from_nltk_where_the_perl_does() -> None:
    from nltk.stem.porter import PorterStemmer

    assert rouge155_stem("agreement") == "agreem"
    for mode in (PorterStemmer.ORIGINAL_ALGORITHM, PorterStemmer.MARTIN_EXTENSIONS):
        assert PorterStemmer(mode=mode).stem("agreement") != "agreem"
    assert rouge155_stem("geese") == "goose"  # from the exception list, not Porter
    assert rouge155_stem("was") == "was"  # 3 letters or fewer are never stemmed


def test_shipped_exceptions_equal_the_berkeley_db(perl: None) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_wordnet_exceptions", ROOT / "scripts" / "build_wordnet_exceptions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dumped = module.dump_db(module.DEFAULT_DB)
    reachable = {k: v for k, v in dumped.items() if re.fullmatch(r"[a-z0-9]{4,}", k)}
    assert wordnet_exceptions() == reachable
    assert len(reachable) > 5000


# --------------------------------------------------------------------------- options


def test_parse_paper_option_string() -> None:
    opts = parse_perl_options("-n 4 -m -a -l 100 -p 0.5 -c 95 -r 1000 -f A -t 0")
    assert opts == Rouge155Options(n=4, stem=True, length_limit=100, alpha=0.5, formula="A")
    metric = Rouge155Metric(opts)
    assert metric.signature() == "rouge155:-n 4 -m -l 100 -f A -p 0.5"
    assert opts.metric_names() == ["rouge1", "rouge2", "rouge3", "rouge4", "rougeL"]


def test_parse_getopt_forms_and_pasted_command_lines() -> None:
    a = parse_perl_options("-n4 -ms -2 4 -u -fB -p0.3 -b 665")
    assert (a.n, a.stem, a.remove_stopwords, a.formula, a.alpha, a.byte_limit) == (
        4, True, True, "B", 0.3, 665,
    )  # fmt: skip
    assert a.metric_names()[-1] == "rougeSU4"
    b = parse_perl_options("perl ROUGE-1.5.5.pl -e data -n 2 -x -U -2 -1 -d -v -z SPL config.xml X")
    assert b.metric_names() == ["rouge1", "rouge2", "rougeS*", "rougeSU*"]
    assert parse_perl_options("-n 0 -l 0").length_limit is None  # 0 means no limit in the Perl


@pytest.mark.parametrize(
    ("option_string", "message"),
    [
        ("-n 2 -q", "-q"),
        ("-n 2 -k 3", "-k"),
        ("-n 2 -3 HM", "-3"),
        ("-n 2 -M", "-M"),
        ("-n 2 -t 1", "-t 1"),
        ("-n 2 -l 10 -b 100", "not both"),
        ("-n 2 -f C", "-f"),
        ("-n 2 -p 1.5", "alpha"),
        ("-n two", "-n"),
        ("-n 2 -c 120", "-c"),
        ("-n", "needs a value"),
    ],
)
def test_bad_options_are_refused_with_the_option_named(option_string: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_perl_options(option_string)


def test_options_that_compute_nothing_are_refused() -> None:
    with pytest.raises(ConfigError, match="no ROUGE measure"):
        Rouge155Metric("-x -a")


# --------------------------------------------------------------------------- behaviour


def test_registered_and_scores_seeds() -> None:
    assert available_metrics()["rouge155"] is Rouge155Metric
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    metric = Rouge155Metric()
    same = metric.score([seeds[0]], [[seeds[0], seeds[1]]], [""])[0]
    alone = metric.score([seeds[0]], [[seeds[0]]], [""])[0]
    assert alone.scores["rouge1_r"] == alone.scores["rougeL_f"] == 1.0
    # -f A pools: a second, different reference pulls recall below 1.
    assert same.scores["rouge1_r"] < 1.0
    assert same.per_reference["rouge1_f"][0] == 1.0
    best = Rouge155Metric("-n 2 -m -f B").score([seeds[0]], [[seeds[1], seeds[0]]], [""])[0]
    assert best.scores["rouge1_f"] == 1.0


def test_truncation_reads_words_before_tokenising() -> None:
    opts = parse_perl_options("-n 1 -l 3")
    # 'well-known' is one word for -l but three tokens ('-' is dropped later): 4 tokens kept.
    assert read_text("A well-known fact, they said.", opts).tokens == ("a", "well", "known", "fact")
    assert read_text("one two\nthree four", opts).units == (("one", "two"), ("three",))
    by_bytes = parse_perl_options("-n 1 -b 9")
    assert read_text("abcd efgh\nijkl", by_bytes).tokens == ("abcd", "efgh")


def test_empty_prediction_scores_zero_and_is_flagged() -> None:
    out = Rouge155Metric("-n 2 -2 4 -u").score(["  ...  "], [["The summit opened."]], [""])[0]
    assert out.flags == ["empty_prediction"]
    assert set(out.scores.values()) == {0.0}
    assert smart_stopwords() >= {"the", "a", "of"}


def test_bad_input_is_a_clear_error() -> None:
    metric = Rouge155Metric()
    with pytest.raises(InputError, match="example 2 has no reference"):
        metric.score(["a b", "c d"], [["a b"], []], ["", ""])
    with pytest.raises(InputError, match="2 predictions but 1 reference lists"):
        metric.score(["a b", "c d"], [["a b"]], ["", ""])


def test_perl_letter_aliases() -> None:
    opts = Rouge155Options.model_validate(
        {"n": 2, "m": True, "s": True, "l": 100, "f": "B", "p": 0.3}
    )
    assert opts == parse_perl_options("-n 2 -m -s -l 100 -f B -p 0.3")
    assert (opts.m, opts.s, opts.l, opts.b, opts.f, opts.p) == (True, True, 100, None, "B", 0.3)
