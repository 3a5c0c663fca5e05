"""Protected spans survive an HTML round trip exactly once, or the segment is refused."""

from __future__ import annotations

import re

import pytest

from amts.book.placeholders import mask
from amts.book.protect import Span, SpanKind, protected_spans
from amts.errors import PlaceholderError

D2L_SENTENCES = [
    "Call `torch.zeros((2, 3))` to get a tensor of shape $2 \\times 3$.",
    "When $0 < \\eta < 1$ and $a \\& b$ hold, :eqref:`eq_gd` converges.",
    "As shown in :numref:`fig_lenet`, [**LeNet has two parts**].",
    "See the (**official documentation**) at https://pytorch.org/docs/stable/index.html.",
    'Read [the paper](https://arxiv.org/abs/1512.03385 "ResNet") for <b>details</b>.',
    'Use `x < y && y > z` when A&B\'s "quotes" matter.',
]


def pseudo_translate(text: str) -> str:
    """What an HTML-aware engine does: rewrite prose, keep do-not-translate elements."""
    parts = re.split(r'(<span translate="no" id="[^"]+">[^<]*</span>)', text)
    return "".join(part if part.startswith("<span") else part.upper() for part in parts)


@pytest.mark.parametrize("sentence", D2L_SENTENCES)
def test_round_trip_restores_every_span_byte_identical(sentence: str) -> None:
    masked = mask(sentence)

    assert masked.unmask(masked.text) == sentence


@pytest.mark.parametrize("sentence", D2L_SENTENCES)
def test_round_trip_through_a_translation(sentence: str) -> None:
    masked = mask(sentence)
    expected, last = [], 0
    for span in protected_spans(sentence):
        expected += [sentence[last : span.start].upper(), span.of(sentence)]
        last = span.end
    expected.append(sentence[last:].upper())

    assert masked.unmask(pseudo_translate(masked.text)) == "".join(expected)


def test_what_is_sent_escapes_prose_and_wraps_spans() -> None:
    masked = mask("If $a<b$ & `c>d`, stop.")

    assert masked.text == (
        'If <span translate="no" id="p0">$a&lt;b$</span> &amp; '
        '<span translate="no" id="p1">`c&gt;d`</span>, stop.'
    )
    assert masked.originals == ("$a<b$", "`c>d`")


def test_reordered_spans_are_fine() -> None:
    masked = mask("First `a`, then `b`.")
    translated = (
        '先<span translate="no" id="p1">`b`</span>后<span translate="no" id="p0">`a`</span>。'
    )

    assert masked.unmask(translated) == "先`b`后`a`。"


def test_engine_reformatting_of_the_tag_is_tolerated() -> None:
    masked = mask("Use `x` here.")

    assert masked.unmask("用 <span id='p0' translate=no>`x`</span>。") == "用 `x`。"


def test_text_without_spans_passes_through() -> None:
    masked = mask("Deep learning is fun.")

    assert masked.text == "Deep learning is fun."
    assert masked.originals == ()
    assert masked.unmask("深度学习很有趣。") == "深度学习很有趣。"


def test_entities_in_the_answer_are_unescaped() -> None:
    masked = mask("Tom & Jerry")

    assert masked.text == "Tom &amp; Jerry"
    assert masked.unmask("汤姆 &amp; 杰瑞 &lt;3") == "汤姆 & 杰瑞 <3"


def test_dropped_span_is_refused_naming_it() -> None:
    masked = mask("Compute `loss.backward()` then step.")

    with pytest.raises(PlaceholderError, match=r"placeholder p0 .*loss\.backward.* missing"):
        masked.unmask("计算然后更新。")


def test_duplicated_span_is_refused_naming_it() -> None:
    masked = mask("Compute `loss` now.")
    span = '<span translate="no" id="p0">`loss`</span>'

    with pytest.raises(PlaceholderError, match=r"placeholder p0 .* duplicated 2 times"):
        masked.unmask(f"计算{span}，{span}。")


def test_altered_span_is_refused_naming_it() -> None:
    masked = mask("The rate $\\eta$ matters.")

    with pytest.raises(PlaceholderError, match=r"placeholder p0 altered"):
        masked.unmask('学习率<span translate="no" id="p0">$\\theta$</span>很重要。')


def test_unknown_span_and_invented_markup_are_refused() -> None:
    masked = mask("Plain `x` text.")
    kept = '<span translate="no" id="p0">`x`</span>'

    with pytest.raises(PlaceholderError, match="unknown protected span"):
        masked.unmask(f'{kept}<span translate="no" id="p7">y</span>')
    with pytest.raises(PlaceholderError, match="unexpected markup"):
        masked.unmask(f"<b>粗体</b>{kept}")


def test_error_message_names_the_segment() -> None:
    masked = mask("Compute `loss` now.")

    with pytest.raises(PlaceholderError, match=re.escape("segment 'Compute `loss` now.'")):
        masked.unmask("没有了")


def test_explicit_spans_and_id_prefix() -> None:
    text = "keep THIS word"
    masked = mask(text, [Span(5, 9, SpanKind.CODE)], id_prefix="s3p")

    assert masked.text == 'keep <span translate="no" id="s3p0">THIS</span> word'
    assert masked.unmask('保留<span translate="no" id="s3p0">THIS</span>词') == "保留THIS词"
    with pytest.raises(ValueError, match="id_prefix"):
        mask(text, id_prefix="3")
