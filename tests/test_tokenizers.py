"""Tokenizer profiles and the tokenisation audit, against rouge-score and real text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.errors import ConfigError
from benchmark.metrics.audit import token_audit
from benchmark.metrics.tokenizers import Tokenizer, get_tokenizer, stemmer_name

RUSSIAN = "Президент Беларуси Александр Лукашенко встретился с вице-премьером России."

# Letters from several scripts plus the characters that change under lower()/NFKC.
ALPHABET = st.sampled_from(
    list("abcXYZ019 \n\t.,'-") + list("éÉñüßİıΣσςКкЖж") + ["ﬁ", "ǅ", "中", "ा", "K"]
)


@pytest.fixture(scope="module")
def rouge_tok():  # type: ignore[no-untyped-def]
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=True), tokenizers.DefaultTokenizer(False)


def test_default_profile_equals_rouge_score_on_seeds(seed_paths: list[Path], rouge_tok) -> None:  # type: ignore[no-untyped-def]
    stemmed, plain = rouge_tok
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        assert get_tokenizer("rouge-score").tokenize(text) == stemmed.tokenize(text)
        assert get_tokenizer("rouge-score", stem=False).tokenize(text) == plain.tokenize(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=12), max_size=12).map(" ".join))
def test_default_profile_equals_rouge_score_on_generated_text(rouge_tok, text: str) -> None:  # type: ignore[no-untyped-def]
    stemmed, _ = rouge_tok
    assert get_tokenizer("rouge-score").tokenize(text) == stemmed.tokenize(text)


def test_unicode_profile_keeps_other_scripts() -> None:
    tok = get_tokenizer("unicode", stem=False)
    assert tok.tokenize("Ελληνικά ΣΟΦΊΑ") == ["ελληνικά", "σοφία"]
    assert tok.tokenize("El niño está aquí") == ["el", "niño", "está", "aquí"]
    # Devanagari vowel signs (category Mc/Mn) stay inside their word.
    assert tok.tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    # Han and kana: one token per character; Latin next to them is its own token.
    assert tok.tokenize("北京abc大学かな") == ["北", "京", "abc", "大", "学", "か", "な"]
    # NFKC (ligature, full-width) and case folding (ß, final sigma).
    assert tok.tokenize("ﬁne ＡＢＣ Straße ΟΔΟΣ") == ["fine", "abc", "strasse", "οδοσ"]
    assert get_tokenizer("rouge-score").tokenize(RUSSIAN) == []


def test_unicode_stemming_only_where_a_stemmer_exists() -> None:
    ru = get_tokenizer("unicode", language="ru")
    assert stemmer_name(ru) == "snowball-russian"
    tokens = ru.tokenize("президента президентом Minsk running")
    assert tokens[0] == tokens[1] == "президент"
    assert tokens[2:] == ["minsk", "running"]  # Latin words are not fed to the Russian stemmer
    en = get_tokenizer("unicode", language="en")
    assert stemmer_name(en) == "porter"
    assert en.tokenize("running quickly über") == ["run", "quickli", "über"]
    assert stemmer_name(get_tokenizer("unicode", language="German")) == "snowball-german"
    de = get_tokenizer("unicode", language="de")
    assert stemmer_name(de) == "snowball-german"
    assert de.tokenize("Häuser") == ["haus"]
    for lang in ("zh", "hi", "el"):
        tok = get_tokenizer("unicode", language=lang)
        assert stemmer_name(tok) == "none"
        assert tok.tokenize("Ελληνικά running") == ["ελληνικά", "running"]
    assert stemmer_name(get_tokenizer("unicode", language="ru", stem=False)) == "none"


def test_custom_tokenizer_from_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_toks.py").write_text(
        "def split_ws(text):\n    return text.split()\n\n"
        "class Upper:\n    stemmer_name = 'none'\n"
        "    def tokenize(self, text):\n        return text.upper().split()\n\n"
        "def bad(text):\n    return [1, 2]\n\nNOT_CALLABLE = 3\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    fn = get_tokenizer("my_toks:split_ws")
    assert isinstance(fn, Tokenizer)
    assert fn.name == "my_toks:split_ws"
    assert fn.tokenize("Ab, cd") == ["Ab,", "cd"]
    assert stemmer_name(fn) == "custom"
    cls = get_tokenizer("my_toks:Upper")
    assert cls.tokenize("ab cd") == ["AB", "CD"]
    assert stemmer_name(cls) == "none"
    with pytest.raises(ConfigError, match="list of strings"):
        get_tokenizer("my_toks:bad").tokenize("x")
    with pytest.raises(ConfigError, match="neither callable"):
        get_tokenizer("my_toks:NOT_CALLABLE")
    with pytest.raises(ConfigError, match="cannot load"):
        get_tokenizer("my_toks:missing")
    sys.modules.pop("my_toks", None)


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown tokenizer profile 'nltk'"):
        get_tokenizer("nltk")


def test_audit_flags_russian_under_default_but_not_unicode(seed_paths: list[Path]) -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in seed_paths}
    texts["ru"] = RUSSIAN
    default = token_audit(texts, "rouge-score")
    assert default.per_example["ru"] == 1.0
    # The English seeds keep > 95 % of their letters (seed 000 quotes a few Russian words).
    assert all(default.per_example[p.stem] < 0.05 for p in seed_paths)
    assert default.per_example[seed_paths[0].stem] > 0
    assert default.warning is not None
    assert "ru" in default.warning and "--tokenizer unicode" in default.warning
    uni = token_audit(texts, "unicode")
    assert uni.dropped_share == 0.0 and uni.warning is None


def test_audit_counts_accented_letters_and_overall_share() -> None:
    audit = token_audit({"es": "El niño está aquí", "en": "plain words"}, "rouge-score")
    # 14 letters, ñ á í dropped
    assert audit.per_example["es"] == pytest.approx(3 / 14)
    assert audit.per_example["en"] == 0.0
    assert audit.dropped_share == pytest.approx(3 / 24)
    assert audit.warning is not None and "drops 12.5% of all letters" in audit.warning
    quiet = token_audit({"en": "The president met the vice premier."}, "rouge-score")
    assert quiet.dropped_share == 0.0 and quiet.warning is None
