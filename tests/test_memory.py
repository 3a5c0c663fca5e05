"""The translation memory: exact reuse of human translations, and token-only repairs."""

from __future__ import annotations

import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from amts.align.aligner import Aligner
from amts.book import document
from amts.corpus.formats import render
from amts.errors import InputError
from amts.memory import MemoryMatch, TranslationMemory, _prefix, _tokenize, normalize

LAYER = ("The first layer has 256 hidden units.", "第一层有256个隐藏单元。")


def memory_of(*pairs: tuple[str, str]) -> TranslationMemory:
    memory = TranslationMemory("en", "zh")
    memory.add_pairs(pairs)
    return memory


def test_exact_match_ignores_line_wrapping():
    memory = memory_of(("The first layer has\n256 hidden units.", LAYER[1]))
    match = memory.lookup("The first layer\nhas 256   hidden units.\n")
    assert match == MemoryMatch(LAYER[1], "exact", 1.0, LAYER[0])


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        pytest.param(["甲。", "乙。", "乙。"], "乙。", id="most frequent wins"),
        pytest.param(["甲。", "乙。"], "甲。", id="tie: first added wins"),
        pytest.param(["甲。", "乙。", "乙。", "甲。", "甲。"], "甲。", id="counts accumulate"),
    ],
)
def test_choice_between_translations_of_one_source(targets, expected):
    memory = memory_of(*(("Hello.", target) for target in targets))
    assert len(memory) == 1
    assert memory.lookup("Hello.") == MemoryMatch(expected, "exact", 1.0, "Hello.")


def test_pairs_with_an_empty_side_are_not_remembered():
    memory = memory_of(("Hello.", " "), ("  ", "你好。"), LAYER)
    assert len(memory) == 1
    assert memory.lookup("Hello.") is None


@pytest.mark.parametrize(
    ("pair", "query", "target", "score"),
    [
        pytest.param(
            LAYER,
            "The first layer has 512 hidden units.",
            "第一层有512个隐藏单元。",
            1 - 0.5 * 1 / 7,  # 6 words + 1 token, 1 changed
            id="number",
        ),
        pytest.param(
            ("Training takes 3.5 hours on one GPU.", "在一个GPU上训练需要3.5小时。"),
            "Training takes 4 hours on one GPU.",
            "在一个GPU上训练需要4小时。",
            1 - 0.5 * 1 / 7,
            id="decimal number",
        ),
        pytest.param(
            ("Call `net.initialize()` before training.", "训练前调用`net.initialize()`。"),
            "Call `net.init()` before\ntraining.",
            "训练前调用`net.init()`。",
            1 - 0.5 * 1 / 4,
            id="inline code",
        ),
        pytest.param(
            ("We set $\\eta = 0.1$ here.", "这里我们设$\\eta = 0.1$。"),
            "We set $\\eta = 0.03$ here.",
            "这里我们设$\\eta = 0.03$。",
            1 - 0.5 * 1 / 4,
            id="inline math",
        ),
        pytest.param(
            (
                "As shown in :numref:`fig_mlp`, the model is deep.",
                "如 :numref:`fig_mlp`所示，该模型很深。",
            ),
            "As shown in :numref:`fig_cnn`, the model is deep.",
            "如 :numref:`fig_cnn`所示，该模型很深。",
            1 - 0.5 * 1 / 8,
            id="role",
        ),
        pytest.param(
            (
                "See [the docs](https://d2l.ai/a.html) for details.",
                "详情见[文档](https://d2l.ai/a.html)。",
            ),
            "See [the docs](https://d2l.ai/b.html) for details.",
            "详情见[文档](https://d2l.ai/b.html)。",
            1 - 0.5 * 1 / 6,
            id="link target",
        ),
        pytest.param(
            (
                "Section :numref:`sec_a` trains `net` for 10 epochs.",
                ":numref:`sec_a`将`net`训练10轮。",
            ),
            "Section :numref:`sec_b` trains `model` for 20 epochs.",
            ":numref:`sec_b`将`model`训练20轮。",
            1 - 0.5 * 3 / 7,  # 4 words + 3 tokens, all changed
            id="several at once",
        ),
        pytest.param(
            ("Compare `a` with `b`.", "比较`a`和`b`。"),
            "Compare `b` with `a`.",
            "比较`b`和`a`。",
            1 - 0.5 * 2 / 4,
            id="two tokens swapped",
        ),
        pytest.param(
            ("Both `x` and `x` are vectors.", "`x`和`x`都是向量。"),
            "Both `y` and `y` are vectors.",
            "`y`和`y`都是向量。",
            1 - 0.5 * 2 / 6,
            id="repeated token changed everywhere alike",
        ),
        pytest.param(
            ("It might be 3 as in our example.", "可能是$3$，如我们的例子。"),
            "It might be 5 as in our example.",
            "可能是$5$，如我们的例子。",
            1 - 0.5 * 1 / 8,
            id="number written as math in the translation",
        ),
    ],
)
def test_fuzzy_match_repairs_copied_tokens(pair, query, target, score):
    match = memory_of(pair).lookup(query)
    assert match is not None
    assert (match.target, match.kind, match.source) == (target, "fuzzy", pair[0])
    assert match.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("pair", "query"),
    [
        pytest.param(
            ("It takes 2 GB of memory.", "需要两GB内存。"),
            "It takes 4 GB of memory.",
            id="token missing from the translation",
        ),
        pytest.param(
            ("ResNet-152 has 152 layers.", "ResNet-152有152层。"),
            "ResNet-152 has 50 layers.",
            id="token twice in the translation",
        ),
        pytest.param(
            ("Both `x` and `x` are vectors.", "`x`和`x`都是向量。"),
            "Both `x` and `y` are vectors.",
            id="repeated token changed in one place only",
        ),
        pytest.param(
            ("We stack 2 layers to compute $h_2$.", "我们堆叠两层来计算$h_2$。"),
            "We stack 3 layers to compute $h_2$.",
            id="number found only inside math",
        ),
        pytest.param(LAYER, "The second layer has 256 hidden units.", id="changed word"),
        pytest.param(LAYER, "The first layer has `256` hidden units.", id="number became code"),
        pytest.param(LAYER, "The first layer has 256 hidden units", id="punctuation dropped"),
    ],
)
def test_no_match_unless_the_repair_is_certain(pair, query):
    assert memory_of(pair).lookup(query) is None


def test_fewest_changes_wins_among_fuzzy_candidates():
    memory = memory_of(
        ("Train `net` for 10 epochs.", "将`net`训练10轮。"),
        ("Train `model` for 10 epochs.", "将`model`训练10轮。"),
    )
    match = memory.lookup("Train `model` for 20 epochs.")
    assert match is not None
    assert (match.target, match.source) == ("将`model`训练20轮。", "Train `model` for 10 epochs.")


def test_exact_match_beats_fuzzy_match():
    memory = memory_of(LAYER, ("The first layer has 512 hidden units.", "第一层含512个单元。"))
    assert memory.lookup("The first layer has 512 hidden units.") == MemoryMatch(
        "第一层含512个单元。", "exact", 1.0, "The first layer has 512 hidden units."
    )


def test_fuzzy_match_falls_back_to_a_translation_it_can_repair():
    memory = memory_of(
        ("It has 3 outputs.", "它有三个输出。"),
        ("It has 3 outputs.", "它有三个输出。"),
        ("It has 3 outputs.", "它有3个输出。"),
    )
    match = memory.lookup("It has 4 outputs.")
    assert match is not None
    assert match.target == "它有4个输出。"


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tmx"])
def test_from_file_reads_every_parallel_data_format(tmp_path, fmt):
    pairs = [LAYER, ('He said "hi", then <b>left</b>.', '他说"嗨"，然后<b>离开</b>。')]
    path = tmp_path / f"pd.{fmt}"
    path.write_text(render(pairs, fmt, "en", "zh"), encoding="utf-8")
    memory = TranslationMemory.from_file(path, "en", "zh")
    assert (memory.src_lang, memory.tgt_lang, len(memory)) == ("en", "zh", 2)
    match = memory.lookup('He said "hi", then <b>left</b>.')
    assert match is not None
    assert match.target == '他说"嗨"，然后<b>离开</b>。'


@pytest.mark.parametrize(
    ("file_langs", "wanted", "ok"),
    [
        pytest.param(("en", "zh"), (None, None), True, id="file's own languages"),
        pytest.param(("en", "zh-CN"), ("en", "zh"), True, id="region subtag"),
        pytest.param(("EN", "zh_cn"), ("en", "zh-CN"), True, id="case and underscore"),
        pytest.param(("en", "zh-TW"), ("en", "zh-CN"), False, id="other region"),
        pytest.param(("en", "pt"), ("en", "zh"), False, id="other target language"),
        pytest.param(("zh", "en"), ("en", "zh"), False, id="reversed"),
    ],
)
def test_from_file_checks_languages(tmp_path, file_langs, wanted, ok):
    path = tmp_path / "pd.tsv"
    path.write_text(render([LAYER], "tsv", *file_langs), encoding="utf-8")
    if ok:
        assert len(TranslationMemory.from_file(path, *wanted)) == 1
    else:
        with pytest.raises(InputError, match=f"{file_langs[0]}→{file_langs[1]}") as error:
            TranslationMemory.from_file(path, *wanted)
        assert str(path) in str(error.value)


@pytest.mark.parametrize("name", ["missing.tsv", "missing.tmx"])
def test_from_file_missing_file(tmp_path, name):
    with pytest.raises(InputError, match="not found") as error:
        TranslationMemory.from_file(tmp_path / name, "en", "zh")
    assert name in str(error.value)


def test_from_file_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        TranslationMemory.from_file(tmp_path, "en", "zh")


EN_DOC = """# Linear Regression
:label:`sec_lr`

Regression problems pop up whenever we want to predict a numerical value.
Common examples include predicting
prices and lengths of stay.

The loss is computed by `loss(y_hat, y)`,
which returns a vector.
It has 3 values.
"""
ZH_DOC = """# 线性回归
:label:`sec_lr`

当我们想预测一个数值时，就会涉及到回归问题。
常见的例子包括预测价格和住院天数。

损失由`loss(y_hat, y)`计算，
它返回一个向量。
它有3个值。
"""


def test_from_alignment_remembers_each_sentence_pair():
    alignment = Aligner("en", "zh").align(document.parse(EN_DOC), document.parse(ZH_DOC))
    memory = TranslationMemory.from_alignment(alignment)
    assert (memory.src_lang, memory.tgt_lang, len(memory)) == ("en", "zh", 5)
    lookups = {
        "Linear Regression": "线性回归",
        "Common examples include predicting prices and lengths of stay.": (
            "常见的例子包括预测价格和住院天数。"
        ),
        "The loss is computed by `loss(y_hat, y)`, which returns a vector.": (
            "损失由`loss(y_hat, y)`计算， 它返回一个向量。"
        ),
        "It has 4 values.": "它有4个值。",
    }
    assert {query: memory.lookup(query).target for query in lookups} == lookups


def test_add_alignment_refuses_another_language_pair():
    alignment = Aligner("en", "zh").align(document.parse(EN_DOC), document.parse(ZH_DOC))
    memory = TranslationMemory("en", "pt")
    with pytest.raises(InputError, match="en→zh"):
        memory.add_alignment(alignment)


def test_real_file_pair_of_the_chinese_book(shared_d2l: Path):
    """mlp-concise.md: the human translation of a wrapped English sentence, verbatim."""
    base = shared_d2l / "zh" / "chapter_multilayer-perceptrons" / "mlp-concise"
    source = document.load(base.with_name(base.name + "_origin.md"))
    target = document.load(base.with_suffix(".md"))
    memory = TranslationMemory.from_alignment(Aligner("en", "zh").align(source, target))
    english = (
        "The first is our hidden layer,\n"
        "which contains {} hidden units\n"
        "and applies the ReLU activation function."
    )
    chinese = "第一层是[**隐藏层**]，它(**包含{}个隐藏单元，并使用了ReLU激活函数**)。"
    exact = memory.lookup(english.format(256))
    assert exact is not None
    assert (exact.kind, exact.target) == ("exact", chinese.format(256))
    fuzzy = memory.lookup(english.format(512))
    assert fuzzy is not None
    assert (fuzzy.kind, fuzzy.target) == ("fuzzy", chinese.format(512))


def test_text_left_in_english_is_not_remembered_as_its_translation() -> None:
    """A sentence a translator left in English must still reach an engine or a human,
    not come back from memory as "translated"."""
    memory = TranslationMemory("en", "zh")
    memory.add("Deep learning is fun.", "Deep  learning is\nfun.")
    memory.add("Data matters.", "数据很重要。")
    assert len(memory) == 1
    assert memory.lookup("Deep learning is fun.") is None
    assert memory.lookup("Data matters.") is not None


_PIECES = [
    *["The", "layer", "has", "units", ".", ",", "ok"],
    *["`x`", "`y`", "$n$", "$4$", "4", "256", "3.5", ":numref:`a`", ":ref:`b`"],
    *["https://d2l.ai/a", "http://x.org", "[link](t.md)", "[link](u.md)", "(see)"],
    *["<b>", "</b>", "[**", "**]", "\n", "  ", "\t"],
]


def _fuzz_sentences(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [
        rng.choice(["", " "]).join(rng.choices(_PIECES, k=rng.randint(1, 7))) for _ in range(count)
    ]


def test_sentences_with_one_skeleton_share_the_prefix():
    """The prefix that narrows fuzzy candidates is the same for every sentence of a
    skeleton, raw or normalized: no candidate is out of reach."""
    prefixes: dict[str, set[str]] = {}
    for text in _fuzz_sentences(seed=5, count=20_000):
        for form in (text, normalize(text)):
            prefixes.setdefault(_tokenize(form)[0], set()).add(_prefix(normalize(text)))
    assert all(len(found) == 1 for found in prefixes.values())
    assert len(prefixes) < 15_000  # skeletons shared by several sentences were compared


def test_lookups_are_those_of_a_memory_indexed_in_full():
    """Indexing the memory by skeleton as lookups need it finds what indexing it all at
    once finds, fuzzy matches included."""
    sources = _fuzz_sentences(seed=7, count=3000)
    lazy = memory_of(*((source, f"译 {source}") for source in sources))
    full = memory_of(*((source, f"译 {source}") for source in sources))
    full._index([entry for entries in full._unindexed.values() for entry in entries])
    full._unindexed.clear()
    queries = _fuzz_sentences(seed=8, count=3000)
    results = [lazy.lookup(query) for query in queries]
    assert results == [full.lookup(query) for query in queries]
    assert sum(match is not None and match.kind == "fuzzy" for match in results) > 100


def test_lookups_in_threads_find_what_one_thread_finds():
    """Lookups index the memory as they go; several threads looking up at once all wait for
    an index being made, so none misses a candidate."""
    sources = _fuzz_sentences(seed=9, count=2000)
    queries = _fuzz_sentences(seed=10, count=2000)
    alone = memory_of(*((source, f"译 {source}") for source in sources))
    expected = [alone.lookup(query) for query in queries]
    shared = memory_of(*((source, f"译 {source}") for source in sources))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            found = list(pool.map(lambda _: [shared.lookup(q) for q in queries], range(4)))
    finally:
        sys.setswitchinterval(interval)
    assert found == [expected] * 4
