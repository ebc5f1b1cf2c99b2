"""The oracle selects with the evaluation's tokenizer profile; rankers tokenise any script.

The Russian text is real: sentences of a SemEval-2022 Task 8 article pair
(``../shared/eval/semeval2022_task8_train.csv``, pair 1484012619ru_1485042131ru, two
outlets on the Pope's New Year apology), written into the test's own Example.
"""

from __future__ import annotations

import pytest
from benchmark.baselines.common import sentence_pool, words
from benchmark.baselines.graph import tfidf_matrix
from benchmark.baselines.oracle import (
    AUTO_RULE,
    Oracle,
    OracleConfig,
    config_for_evaluation,
    greedy_oracle,
    resolve_profile,
    rouge_tokenizer,
)
from conftest import ROOT

from benchmark.errors import ConfigError
from benchmark.evaluation.evaluate import EvalConfig
from benchmark.metrics.rouge import RougeMetric
from benchmark.schema import Example
from benchmark.systems.adapters import resolve_system, system_label
from benchmark.systems.registry import get_system

# Article 1 (document), in its order, without its headline.
RU_DOC = [
    "«Женщины являются источником жизни. Тем не менее, их постоянно оскорбляют, избивают, "
    "насилуют, заставляют заниматься проституцией и подавлять жизнь, которую они несут в "
    "утробе матери», — сказал понтифик верующим, собравшимся в базилике Святого Петра в "
    "Ватикане в среду.",
    "«Всякая форма насилия над женщиной есть хула на Бога, рожденного женщиной».",
    "Незадолго до начала своего традиционного новогоднего обращения Папа сказал, что "
    "сожалеет о том, что накануне ударил женщину по руке, чтобы освободиться от ее хватки.",
    "«Я прошу прощения за вчерашний плохой пример», — сказал он, уходя.",
    "Во время своего новогоднего обращения в среду понтифик также говорил о гендерном "
    "равенстве, говоря собравшимся, что женщины «должны быть полностью вовлечены в процессы "
    "принятия решений».",
    "Каждый шаг вперед для женщины — это шаг вперед для человечества в целом.",
]
# Article 2 (reference): its standfirst and the apology quote.
RU_REF = (
    "Папа Франциск извинился за то, что «потерял терпение» по отношению к женщине, которая "
    "схватила его в канун Нового года, а затем осудил «любое насилие в отношении женщин». "
    "«Прошу прощения за вчерашний плохой пример», — сказал глава католической церкви перед "
    "мессой в Ватикане."
)


def _example(docs: list[str], refs: list[str], language: str | None, eid: str = "x") -> Example:
    return Example(
        id=eid, strategy="imported", cluster_id="c", source_ids=["a"],
        reference_ids=[f"r{i}" for i in range(len(refs))], documents=docs,
        document=" ||||| ".join(docs), references=refs, fragments=[], language=language,
    )


def _oracle(**config: object) -> Oracle:
    assert get_system("oracle") is Oracle
    return Oracle(OracleConfig.model_validate(config))


def _picked(summary: str, ex: Example) -> list[int]:
    pool = [p.text for p in sentence_pool(ex)]
    return [pool.index(line) for line in summary.split("\n")]


def _rouge_unicode_ru(summary: str, ex: Example) -> tuple[float, float]:
    metric = RougeMetric(types=("rouge1", "rouge2"), tokenizer="unicode", language="ru")
    s = metric.score([summary], [ex.references], [ex.document])[0].scores
    return s["rouge1_f"], s["rouge2_f"]


@pytest.fixture(scope="module")
def ru_example() -> Example:
    ex = _example(["\n".join(RU_DOC)], [RU_REF], "ru")
    assert [p.text for p in sentence_pool(ex)] == RU_DOC, "one pool sentence per line"
    return ex


@pytest.mark.parametrize("language", ["ru", None])
def test_auto_oracle_picks_the_overlapping_russian_sentences(
    ru_example: Example, language: str | None
) -> None:
    ex = ru_example.model_copy(update={"language": language})
    oracle = _oracle()
    profile = resolve_profile(oracle.config, ex)
    assert profile.tokenizer == "unicode"
    # known language: its Snowball stemmer; unknown: the audit rule, no Russian stemmer
    assert profile.signature() == (
        "tok:unicode|stem:snowball-russian|lang:ru" if language else "tok:unicode|stem:porter"
    )
    summary = oracle.summarize(ex)
    # 3: the apology quote; 1: "every form of violence against a woman" matches the
    # reference's "condemned any violence against women" only once inflections are
    # stemmed (насилия/насилие, женщиной/женщин). Never the long opening sentence 0.
    assert _picked(summary, ex) == ([1, 3] if language else [3])
    r1, r2 = _rouge_unicode_ru(summary, ex)
    first = _rouge_unicode_ru(RU_DOC[0], ex)  # what the rouge-score oracle returns
    assert r1 > first[0] > 0 and r2 > first[1]


def test_explicit_rouge_score_profile_keeps_todays_behaviour(ru_example: Example) -> None:
    oracle = _oracle(tokenizer="rouge-score")
    assert resolve_profile(oracle.config, ru_example).signature() == "tok:rouge-score|stem:porter"
    # every Cyrillic sentence is empty under rouge-score, so every candidate scores 0
    # and the oracle falls back to the first sentence
    assert all(rouge_tokenizer().tokenize(s) == [] for s in RU_DOC)
    summary = oracle.summarize(ru_example)
    assert _picked(summary, ru_example) == [0]
    before = _rouge_unicode_ru(summary, ru_example)
    after = _rouge_unicode_ru(_oracle().summarize(ru_example), ru_example)
    assert after[0] > before[0] and after[1] > before[1]


def test_english_seeds_select_exactly_as_before() -> None:
    """Default oracle == the pre-change oracle (rouge-score's own tokenizer) on the seeds."""
    from rouge_score.tokenizers import DefaultTokenizer

    from benchmark.dataset.folder import load_dataset_dir

    before_tok = DefaultTokenizer(use_stemmer=True)
    examples = [ex for exs in load_dataset_dir(ROOT / "data" / "seeds").splits.values()
                for ex in exs]
    raw = sorted((ROOT / "data" / "raw").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in raw]
    # each raw seed as a document against the others' first lines (004 is English too)
    examples += [
        _example([t], [u.splitlines()[0] for u in texts if u is not t], None, f"raw{i}")
        for i, t in enumerate(texts)
    ]
    oracle = _oracle()
    for ex in examples:
        assert resolve_profile(oracle.config, ex).tokenizer == "rouge-score", ex.id
        pool = [p.text for p in sentence_pool(ex)]
        want = greedy_oracle(pool, ex.references, tokenizer=before_tok)
        assert _picked(oracle.summarize(ex), ex) == want, ex.id


def test_profile_options_are_configurable_and_recorded() -> None:
    explicit = resolve_system("oracle:tokenizer=unicode,language=null,stem=false")
    assert system_label(explicit) == 'oracle:language=null,stem=false,tokenizer="unicode"'
    ex = _example(["Der Bundestag hat die Änderungen beschlossen."], ["Änderungen"], "de")
    assert resolve_profile(explicit.config, ex).signature() == "tok:unicode|stem:none"
    # auto: a known non-English language gets the unicode profile with its stemmer
    auto = get_system("oracle")()
    want = "tok:unicode|stem:snowball-german|lang:de"
    assert resolve_profile(auto.config, ex).signature() == want
    assert auto.identity()["tokenizer_rule"] == AUTO_RULE
    assert "tokenizer_rule" not in explicit.identity()
    with pytest.raises(ConfigError, match="tokenizer"):
        resolve_system("oracle:tokenizer=ascii")
    # a known evaluation pins the profile (what a runner with --tokenizer passes)
    pinned = config_for_evaluation(EvalConfig(tokenizer="unicode", language="ru", stem=False))
    assert (pinned.tokenizer, pinned.language, pinned.stem) == ("unicode", "ru", False)
    assert config_for_evaluation(EvalConfig()).tokenizer == "rouge-score"
    assert config_for_evaluation(EvalConfig(rouge155="-n 2 -m")).tokenizer == "rouge-score"


def test_rankers_tokenise_cjk_and_devanagari() -> None:
    # \w+ cut Hindi words at their vowel signs and kept Chinese clauses whole
    assert words("हिन्दी भाषा में समाचार") == ["हिन्दी", "भाषा", "में", "समाचार"]
    assert words("co-operation, 40 Issues!") == ["co", "operation", "40", "issues"]
    zh = [  # SemEval zh article: three sentences about rubbish piling up in Britain
        "英国的街道上堆满了圣诞垃圾，新年前夜后瓶装水满溢你是否受到垃圾延误的影响？",
        "由于议会指责“工作人员生病”，圣诞节后垃圾堆积如山，家庭现在面临四个星期的等待垃圾箱收集。",
        "伯明翰的数百户家庭在其收集时间表继续受到干扰后，被淹没在回收垃圾中。",
    ]
    pool = sentence_pool(_example(["\n".join(zh)], ["垃圾"], "zh"))
    sim = (tfidf_matrix(pool, "zh") @ tfidf_matrix(pool, "zh").T).toarray()
    assert all(sim[i, j] > 0 for i in range(3) for j in range(3)), "they share 垃圾 (rubbish)"


def test_rankers_run_where_sumy_lists_a_stemmer_it_cannot_load() -> None:
    """sumy's Polish stemmer needs the optional pystempel: no stemming instead of a crash."""
    pl = [  # SemEval pl article (pair 1636270984_1637277809)
        "31-latka kierowała autem.",
        "Policjant przyszedł do samochodu.",
        "Kobieta twierdziła, że czuła się źle, ale policjant wyczuł od niej alkohol.",
    ]
    ex = _example(["\n".join(pl)], ["Policjant wyczuł alkohol."], "pl")
    assert tfidf_matrix(sentence_pool(ex), "pl").shape[1] > 1, "tf-idf no longer empty"
    for name in ("textrank", "sumbasic", "lexrank", "centroid"):
        cls = get_system(name)
        assert cls(cls.Config.model_validate({"k": 1})).summarize(ex) in pl
