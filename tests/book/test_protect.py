"""Protected spans: what must reach the translation unchanged."""

from __future__ import annotations

import itertools

import pytest

from amts.book.protect import SpanKind, is_protected_only, protected_spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Call `f(x)` now.", [("code", "`f(x)`")], id="inline code"),
        pytest.param("Use ``a ` b`` here.", [("code", "``a ` b``")], id="double backticks"),
        pytest.param("Let $x_1 < y$ hold.", [("math", "$x_1 < y$")], id="inline math"),
        pytest.param("It costs \\$5 and \\$6.", [], id="escaped dollars are not math"),
        pytest.param("$$x$$", [], id="display math is not inline math"),
        pytest.param(
            "See :numref:`sec_a` and :cite:`Smith.2020`.",
            [("role", ":numref:`sec_a`"), ("role", ":cite:`Smith.2020`")],
            id="roles",
        ),
        pytest.param("Eq :eqref:`eq_x`.", [("role", ":eqref:`eq_x`")], id="eqref"),
        pytest.param(
            "Visit https://d2l.ai/chapter.html.",
            [("url", "https://d2l.ai/chapter.html")],
            id="url without trailing period",
        ),
        pytest.param(
            "A [link](../img/a.svg) here.", [("link_target", "(../img/a.svg)")], id="link target"
        ),
        pytest.param(
            "A [wiki](https://en.wikipedia.org/wiki/A_(b)) page.",
            [("link_target", "(https://en.wikipedia.org/wiki/A_(b))")],
            id="link target with parentheses",
        ),
        pytest.param("Line<br/>break", [("html", "<br/>")], id="html tag"),
        pytest.param("x <!-- note --> y", [("html", "<!-- note -->")], id="html comment"),
        pytest.param(
            "[**Bold claim.**]",
            [("marker", "[**"), ("marker", "**]")],
            id="d2l highlight markers",
        ),
        pytest.param("a < b and c > d", [], id="comparison is not a tag"),
    ],
)
def test_protected_spans(text, expected):
    """Each protected construct is found with its exact extent."""
    assert [(s.kind.value, s.of(text)) for s in protected_spans(text)] == expected


def test_spans_are_sorted_and_disjoint():
    text = "See :numref:`a`, `b`, $c$, https://x.org/y and [z](w) <i>."
    spans = protected_spans(text)
    assert [s.kind for s in spans] == [
        SpanKind.ROLE,
        SpanKind.CODE,
        SpanKind.MATH,
        SpanKind.URL,
        SpanKind.LINK_TARGET,
        SpanKind.HTML,
    ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("`x = 1`", True, id="code only"),
        pytest.param("$x$, $y$.", True, id="math and punctuation"),
        pytest.param("[Discussions](https://discuss.d2l.ai/t/1)", False, id="link text is words"),
        pytest.param("Set `x` to 1.", False, id="prose around code"),
        pytest.param("令`x`为1。", False, id="cjk prose"),
    ],
)
def test_is_protected_only(text, expected):
    """Units with nothing to translate are recognized, so corpora can leave them out."""
    assert is_protected_only(text) is expected
