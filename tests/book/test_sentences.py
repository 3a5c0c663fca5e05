"""Sentence splitting on d2l-style prose: every expected split below is written by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amts.book.protect import Span, SpanKind
from amts.book.sentences import (
    ABBREVIATIONS,
    SUPPORTED_LANGUAGES,
    Sentence,
    normalize_language,
    split_sentences,
)
from amts.errors import InputError, LanguageError

SHARED = Path(__file__).resolve().parents[3] / "shared"
ZH_BOOK = SHARED / "d2l" / "zh"


def texts(text: str, lang: str = "en") -> list[str]:
    return [sentence.of(text) for sentence in split_sentences(text, lang)]


def assert_partition(text: str, sentences: list[Sentence]) -> None:
    """In order, trimmed, disjoint, and together every non-whitespace character once."""
    previous_end = 0
    for sentence in sentences:
        assert previous_end <= sentence.start < sentence.end <= len(text)
        piece = sentence.of(text)
        assert piece == piece.strip(), f"untrimmed sentence {piece!r}"
        assert not text[previous_end : sentence.start].strip(), "skipped non-whitespace"
        previous_end = sentence.end
    assert not text[previous_end:].strip(), "skipped non-whitespace at the end"
    joined = "".join(sentence.of(text) for sentence in sentences)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", text)


ENGLISH_ABBREVIATIONS = [
    pytest.param(
        "Some models, e.g. LeNet, are small. Others are not.",
        ["Some models, e.g. LeNet, are small.", "Others are not."],
        id="e.g.-before-capital",
    ),
    pytest.param(
        "We use a scalar, i.e. a single number. It has no axes.",
        ["We use a scalar, i.e. a single number.", "It has no axes."],
        id="i.e.",
    ),
    pytest.param(
        "E.g. the loss may diverge. Then we stop.",
        ["E.g. the loss may diverge.", "Then we stop."],
        id="capitalised-e.g.",
    ),
    pytest.param(
        "This was proposed by Tay et al. :cite:`Tay.Dehghani.2020` in a survey. It is long.",
        ["This was proposed by Tay et al. :cite:`Tay.Dehghani.2020` in a survey.", "It is long."],
        id="et-al-before-cite",
    ),
    pytest.param(
        "Compare server GPUs (e.g., RTX 2080 vs. Tesla V100). This matters.",
        ["Compare server GPUs (e.g., RTX 2080 vs. Tesla V100).", "This matters."],
        id="vs.",
    ),
    pytest.param(
        "The results are in Fig. 3 and Eq. 7 of Sec. 2. See Ch. 4 too.",
        ["The results are in Fig. 3 and Eq. 7 of Sec. 2.", "See Ch. 4 too."],
        id="references-before-numbers",
    ),
    pytest.param(
        "Compare Figs. 2 and 3, cf. Eqs. 1 and 2. Both agree.",
        ["Compare Figs. 2 and 3, cf. Eqs. 1 and 2.", "Both agree."],
        id="plural-references-and-cf.",
    ),
    pytest.param(
        "Ask Dr. Smith, Mr. Lee, Mrs. Park, Ms. Chen or Prof. Ng. They know.",
        ["Ask Dr. Smith, Mr. Lee, Mrs. Park, Ms. Chen or Prof. Ng.", "They know."],
        id="titles",
    ),
    pytest.param(
        "It takes approx. 10 minutes, resp. 20 on a CPU. No. 5 is the fastest run.",
        ["It takes approx. 10 minutes, resp. 20 on a CPU.", "No. 5 is the fastest run."],
        id="approx-resp-No.",
    ),
    pytest.param(
        "We add i.i.d. Gaussian noise. Then we fit.",
        ["We add i.i.d. Gaussian noise.", "Then we fit."],
        id="i.i.d.",
    ),
    pytest.param(
        "Take a distribution with a p.d.f. or a p.m.f. $p(x)$ here. Then sample.",
        ["Take a distribution with a p.d.f. or a p.m.f. $p(x)$ here.", "Then sample."],
        id="p.m.f.-before-math",
    ),
    pytest.param(
        "We load cats, dogs, etc. and then train. We use images, text, etc. Both work.",
        [
            "We load cats, dogs, etc. and then train.",
            "We use images, text, etc.",
            "Both work.",
        ],
        id="etc.-ends-only-before-capital",
    ),
    pytest.param(
        "We train on text by H. G. Wells. The book is short.",
        ["We train on text by H. G. Wells.", "The book is short."],
        id="initials",
    ),
    pytest.param(
        'Tap on "4. Add Storage" to go on. Then wait.',
        ['Tap on "4. Add Storage" to go on.', "Then wait."],
        id="quoted-step-number",
    ),
    pytest.param(
        "Is it convex? Yes! It is... Mostly.",
        ["Is it convex?", "Yes!", "It is...", "Mostly."],
        id="question-exclamation-ellipsis",
    ),
    pytest.param(
        "Really? yes, really. Wait… Go on.",
        ["Really? yes, really.", "Wait…", "Go on."],
        id="lowercase-after-question-mark",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH_ABBREVIATIONS)
def test_english_abbreviations(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


NUMBERS = [
    pytest.param(
        "Pi is about 3.14 and we need Python 3.11 here. It is fast.",
        ["Pi is about 3.14 and we need Python 3.11 here.", "It is fast."],
        id="decimal-and-version",
    ),
    pytest.param(
        "Install v2.0 for a 1.5x speedup. Done.",
        ["Install v2.0 for a 1.5x speedup.", "Done."],
        id="version-prefix-and-factor",
    ),
    pytest.param(
        "This is covered in Section 2.3. We revisit it later.",
        ["This is covered in Section 2.3.", "We revisit it later."],
        id="section-number-ends-sentence",
    ),
    pytest.param(
        "The learning rate is 0.1. 10 epochs suffice.",
        ["The learning rate is 0.1.", "10 epochs suffice."],
        id="digit-starts-sentence",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


PROTECTED = [
    pytest.param(
        "Call `np.dot. Then` on it. Next we sum.",
        ["Call `np.dot. Then` on it.", "Next we sum."],
        id="inline-code",
    ),
    pytest.param(
        "Let $x. Y$ be a set. Then $Y$ is bigger.",
        ["Let $x. Y$ be a set.", "Then $Y$ is bigger."],
        id="inline-math",
    ),
    pytest.param(
        "As shown in :numref:`sec_linear. Regression`, it works. We go on.",
        ["As shown in :numref:`sec_linear. Regression`, it works.", "We go on."],
        id="role",
    ),
    pytest.param(
        'See https://d2l.ai/chapter_x/index.html. It explains. [Docs](a.html "A. B") help.',
        [
            "See https://d2l.ai/chapter_x/index.html.",
            "It explains.",
            '[Docs](a.html "A. B") help.',
        ],
        id="url-and-link-target",
    ),
    pytest.param(
        "Code ends a sentence: `x = 1`. $y$ starts one. :numref:`fig_a` starts another.",
        ["Code ends a sentence: `x = 1`.", "$y$ starts one.", ":numref:`fig_a` starts another."],
        id="spans-around-the-boundary",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PROTECTED)
def test_protected_spans(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_explicit_spans_are_used_instead_of_computing_them() -> None:
    text = "Keep A. B together. Split here."
    spans = [Span(5, 9, SpanKind.CODE)]  # "A. B", as if a caller had protected it
    sentences = split_sentences(text, "en", spans)
    assert [s.of(text) for s in sentences] == ["Keep A. B together.", "Split here."]
    assert texts("Let $x. Y$ be.") == ["Let $x. Y$ be."]
    unprotected = split_sentences("Let $x. Y$ be.", "en", spans=[])
    assert [s.of("Let $x. Y$ be.") for s in unprotected] == ["Let $x.", "Y$ be."]


MULTILINE = [
    pytest.param(
        "To apply deep learning to solving real-world problems,\n"
        "we often begin with preprocessing raw data.\n"
        "Among popular tools, the `pandas` package is commonly used.",
        [
            "To apply deep learning to solving real-world problems,\n"
            "we often begin with preprocessing raw data.",
            "Among popular tools, the `pandas` package is commonly used.",
        ],
        id="one-phrase-per-line",
    ),
    pytest.param(
        "We set the learning rate to\n0.1. Then we train\nfor ten epochs.",
        ["We set the learning rate to\n0.1.", "Then we train\nfor ten epochs."],
        id="line-ends-mid-sentence",
    ),
    pytest.param(
        "We call it a model.\nthat is trained later, not a tensor.",
        ["We call it a model.\nthat is trained later, not a tensor."],
        id="lowercase-after-newline",
    ),
    pytest.param(
        "## Reading the Dataset\n\nAs an example,\nwe create a dataset",
        ["## Reading the Dataset", "As an example,\nwe create a dataset"],
        id="blank-line-ends-sentence",
    ),
    pytest.param(
        "Consider three inputs\n1. one input\n1. another input\n* a bullet",
        ["Consider three inputs", "1. one input", "1. another input", "* a bullet"],
        id="list-items-without-periods",
    ),
    pytest.param(
        "1. Try it. Does it work?\n2. Change the rate.",
        ["1. Try it.", "Does it work?", "2. Change the rate."],
        id="numbered-exercises",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MULTILINE)
def test_multiline(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


MARKERS_AND_QUOTES = [
    pytest.param(
        "Let us begin. [**Create a tensor.**] Then print it.",
        ["Let us begin.", "[**Create a tensor.**]", "Then print it."],
        id="d2l-marker-whole-sentence",
    ),
    pytest.param(
        "We [**replace the entries with the mean.**]\nNext we convert them.",
        ["We [**replace the entries with the mean.**]", "Next we convert them."],
        id="d2l-marker-at-end",
    ),
    pytest.param(
        "It runs. (**The output has shape 3.**) We check it.",
        ["It runs.", "(**The output has shape 3.**)", "We check it."],
        id="d2l-parenthesis-marker",
    ),
    pytest.param(
        'Note that "NaN" entries are missing. He said "Stop." Then he left.',
        ['Note that "NaN" entries are missing.', 'He said "Stop."', "Then he left."],
        id="double-quote-after-period",
    ),
    pytest.param(
        "He asked “Why is this OK?” After all, it works. It is ‘fine.’ Really.",
        ["He asked “Why is this OK?”", "After all, it works.", "It is ‘fine.’", "Really."],
        id="curly-quotes",
    ),
    pytest.param(
        "(See the appendix.) We skip it. This is *important.* **So is this.** Yes.",
        ["(See the appendix.)", "We skip it.", "This is *important.*", "**So is this.**", "Yes."],
        id="brackets-and-emphasis",
    ),
    pytest.param(
        "It is done. 'Quotes' can open a sentence. *Emphasis* too.",
        ["It is done.", "'Quotes' can open a sentence.", "*Emphasis* too."],
        id="openers-start-sentence",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MARKERS_AND_QUOTES)
def test_markers_and_quotes(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


LANGUAGES = [
    pytest.param(
        "en",
        "Deep learning is fun. It needs data.",
        ["Deep learning is fun.", "It needs data."],
        id="en",
    ),
    pytest.param(
        "pt",
        "Use uma GPU, p. ex. a da Fig. 3. O Sr. Silva explica. É fácil.",
        ["Use uma GPU, p. ex. a da Fig. 3.", "O Sr. Silva explica.", "É fácil."],
        id="pt",
    ),
    pytest.param(
        "es",
        "¿Qué es una red? ¡Es fácil! La Dra. García lo explica en la pág. 5.",
        ["¿Qué es una red?", "¡Es fácil!", "La Dra. García lo explica en la pág. 5."],
        id="es",
    ),
    pytest.param(
        "de",
        "Das ist z. B. ein Test. Siehe S. 5 bzw. Abb. 3. Nr. 4 folgt, d. h. später.",
        ["Das ist z. B. ein Test.", "Siehe S. 5 bzw. Abb. 3.", "Nr. 4 folgt, d. h. später."],
        id="de",
    ),
    pytest.param(
        "fr",
        "« Bonjour. » Il part. M. Dupont arrive, cf. éq. 2. Vraiment ? Oui.",
        ["« Bonjour. »", "Il part.", "M. Dupont arrive, cf. éq. 2.", "Vraiment ?", "Oui."],
        id="fr",
    ),
    pytest.param(
        "tr",
        "Bu bir örnektir. Örn. Ağ eğitimi bkz. Bölüm 3. İkinci cümle budur.",
        ["Bu bir örnektir.", "Örn. Ağ eğitimi bkz. Bölüm 3.", "İkinci cümle budur."],
        id="tr",
    ),
    pytest.param(
        "vi",
        "Đây là một ví dụ. TS. Nguyễn giảng dạy học sâu. Ông ấy rất giỏi.",
        ["Đây là một ví dụ.", "TS. Nguyễn giảng dạy học sâu.", "Ông ấy rất giỏi."],
        id="vi",
    ),
    pytest.param(
        "ko",
        "딥러닝은 재미있습니다. 데이터가 필요합니다! 왜 그럴까요? Fig. 3을 보세요.",
        ["딥러닝은 재미있습니다.", "데이터가 필요합니다!", "왜 그럴까요?", "Fig. 3을 보세요."],
        id="ko",
    ),
    pytest.param(
        "ja",
        "これはペンです。「深層学習」を学ぶ！次は？はい。",
        ["これはペンです。", "「深層学習」を学ぶ！", "次は？", "はい。"],
        id="ja",
    ),
    pytest.param(
        "zh",
        "该数据集有四行三列。其中每行描述了房间数量（“NumRooms”）。为什么？",
        ["该数据集有四行三列。", "其中每行描述了房间数量（“NumRooms”）。", "为什么？"],
        id="zh",
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), LANGUAGES)
def test_languages(lang: str, text: str, expected: list[str]) -> None:
    assert texts(text, lang) == expected


def test_every_supported_language_has_a_case_and_a_table() -> None:
    cased = {param.values[0] for param in LANGUAGES}
    assert cased == SUPPORTED_LANGUAGES
    assert {"en", "zh", "ja", "ko", "pt", "es", "tr", "vi", "de", "fr"} == SUPPORTED_LANGUAGES
    assert set(ABBREVIATIONS) == SUPPORTED_LANGUAGES


CJK = [
    pytest.param(
        "他说：“好。”然后走了。",
        ["他说：“好。”", "然后走了。"],
        id="closing-quote",
    ),
    pytest.param(
        "他有痴呆症！”。我们继续。",
        ["他有痴呆症！”。", "我们继续。"],
        id="period-after-closing-quote",
    ),
    pytest.param(
        "她说「行。」我们走吧。『好！』",
        ["她说「行。」", "我们走吧。", "『好！』"],
        id="corner-brackets",
    ),
    pytest.param(
        "[**创建一个张量。**]然后打印它。我们(**计算总和。**)\n最后检查。",
        ["[**创建一个张量。**]", "然后打印它。", "我们(**计算总和。**)", "最后检查。"],
        id="d2l-markers",
    ),
    pytest.param(
        "要[**从CSV文件中加载数据集**]，我们导入`pandas`包。该数据集有四行三列。",
        ["要[**从CSV文件中加载数据集**]，我们导入`pandas`包。", "该数据集有四行三列。"],
        id="marker-mid-sentence",
    ),
    pytest.param(
        "这是什么?我不知道。是吗?OK，好的。",
        ["这是什么?", "我不知道。", "是吗?OK，好的。"],
        id="ascii-question-mark-before-cjk-only",
    ),
    pytest.param(
        "哪里可能出错？（提示：注意步长。）对吗？，不对；继续。",
        ["哪里可能出错？", "（提示：注意步长。）", "对吗？，不对；继续。"],
        id="parenthesis-and-comma",
    ),
    pytest.param(
        "原文是：Deep learning is fun. It works, e.g. here. 然后继续。",
        ["原文是：Deep learning is fun.", "It works, e.g. here.", "然后继续。"],
        id="english-inside-chinese",
    ),
    pytest.param(
        "见![卷积示意图。](../img/conv.svg)和`a。b`以及$x。y$。结束。",
        ["见![卷积示意图。](../img/conv.svg)和`a。b`以及$x。y$。", "结束。"],
        id="link-text-code-and-math",
    ),
    pytest.param(
        "第一句。\n第二句没有结束，\n第三行结束了。",
        ["第一句。", "第二句没有结束，\n第三行结束了。"],
        id="multiline",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CJK)
def test_cjk(text: str, expected: list[str]) -> None:
    assert texts(text, "zh") == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("zh-CN", "zh", id="zh-CN"),
        pytest.param("zh_TW", "zh", id="zh_TW"),
        pytest.param("pt-BR", "pt", id="pt-BR"),
        pytest.param("EN", "en", id="upper-case"),
        pytest.param(" en-us ", "en", id="padded"),
        pytest.param("ja", "ja", id="plain"),
    ],
)
def test_language_code_normalisation(code: str, expected: str) -> None:
    assert normalize_language(code) == expected


def test_region_subtags_get_the_rules_of_their_language() -> None:
    assert texts("第一句。第二句？", "zh_TW") == ["第一句。", "第二句？"]
    assert texts("第一句。第二句？", "zh-CN") == ["第一句。", "第二句？"]
    assert texts("Veja a Fig. 3. O Sr. Silva explica.", "pt-BR") == [
        "Veja a Fig. 3.",
        "O Sr. Silva explica.",
    ]


@pytest.mark.parametrize("code", ["xx", "", "english", "zz-CN"])
def test_unknown_language(code: str) -> None:
    with pytest.raises(LanguageError, match=r"supported: de, en, es, fr, ja, ko, pt, tr, vi, zh"):
        split_sentences("Some text.", code)
    assert issubclass(LanguageError, InputError)


def test_unknown_language_is_reported_even_for_empty_text() -> None:
    with pytest.raises(LanguageError, match="'klingon'"):
        split_sentences("", "klingon")


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n"], ids=["empty", "space", "blank-lines"])
def test_empty_text(text: str) -> None:
    assert split_sentences(text, "en") == []


def test_sentence_offsets_are_into_the_given_text() -> None:
    text = "  One here.\n\nTwo there.  "
    assert split_sentences(text, "en") == [Sentence(2, 11), Sentence(13, 23)]
    assert Sentence(2, 11).of(text) == "One here."


PARAGRAPHS = [
    pytest.param(
        "en",
        "By integer-location based indexing (`iloc`), we split `data` into `inputs`,\n"
        "where the former takes the first two columns.\n"
        "For numerical values in `inputs` that are missing,\n"
        'we [**replace the "NaN" entries with the mean value of the same column.**]\n'
        "Note that $\\hat{y} = 0.5$ is a decimal, e.g. for :numref:`sec_pandas`.\n"
        "See https://pandas.pydata.org/docs/index.html. Done!",
        id="en-paragraph",
    ),
    pytest.param(
        "en",
        "In 1948, Claude E. Shannon published a theory :cite:`Shannon.1948`.  In it,\n"
        "he introduced entropy, i.e., the expected surprisal (see Fig. 2).\n\n"
        "1. Why is $H(X) \\geq 0$?\n"
        "1. Compute it for Python 3.11 vs. 3.12 outputs...",
        id="en-paragraph-and-exercises",
    ),
    pytest.param(
        "zh",
        "为了能用深度学习来解决现实世界的问题，我们经常从预处理原始数据开始，\n"
        "而不是从那些准备好的张量格式数据开始。\n"
        "在Python中常用的数据分析工具中，我们通常使用`pandas`软件包。\n"
        "[**为了处理缺失的数据，典型的方法包括*插值法*和*删除法*，**]\n"
        "其中插值法用一个替代值弥补缺失值。注意，“NaN”项代表缺失值！见 :numref:`sec_x`。",
        id="zh-paragraph",
    ),
    pytest.param(
        "pt",
        "Até agora, apresentamos uma variedade de técnicas, p. ex. a indexação.\n"
        "Para aplicar o aprendizado profundo, começamos com dados brutos\n"
        "no formato `csv`. Veja a Fig. 3 e a Eq. 2 do :numref:`sec_pandas`.",
        id="pt-paragraph",
    ),
]


@pytest.mark.parametrize(("lang", "text"), PARAGRAPHS)
def test_sentences_partition_the_text(lang: str, text: str) -> None:
    sentences = split_sentences(text, lang)
    assert len(sentences) >= 3
    assert_partition(text, sentences)


def test_real_file_pair_from_the_chinese_book() -> None:
    folder = ZH_BOOK / "chapter_preliminaries"
    english, chinese = folder / "pandas_origin.md", folder / "pandas.md"
    if not (english.is_file() and chinese.is_file()):
        pytest.skip(f"the shared d2l checkout is not available at {ZH_BOOK}")
    en_text = english.read_text(encoding="utf-8")
    zh_text = chinese.read_text(encoding="utf-8")
    en_sentences = split_sentences(en_text, "en")
    zh_sentences = split_sentences(zh_text, "zh-CN")
    assert_partition(en_text, en_sentences)
    assert_partition(zh_text, zh_sentences)

    en = [s.of(en_text) for s in en_sentences]
    assert (
        "This dataset has four rows and three columns, where each row describes the number of "
        'rooms ("NumRooms"), the alley type ("Alley"), and the price ("Price") of a house.'
    ) in en
    assert (
        "To apply deep learning to solving real-world problems,\n"
        "we often begin with preprocessing raw data, rather than those nicely prepared data "
        "in the tensor format."
    ) in en
    assert 'Note that "NaN" entries are missing values.' in en
    assert "Here we will consider imputation." in en

    zh = [s.of(zh_text) for s in zh_sentences]
    assert "该数据集有四行三列。" in zh
    assert "要[**从创建的CSV文件中加载原始数据集**]，我们导入`pandas`包并调用`read_csv`函数。" in zh
    assert (
        "为了能用深度学习来解决现实世界的问题，我们经常从预处理原始数据开始，\n"
        "而不是从那些准备好的张量格式数据开始。"
    ) in zh
