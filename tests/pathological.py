"""Hostile book files, built by code at any size: what a pushed markdown file can hold to
make a worker scan it again and again. Those about inline markup start with a word, so
that the file is a paragraph, not an HTML block.

Each input repeats one small piece until it has about ``size`` characters. They are the
shapes that make a backtracking pattern or a nested structure do work that grows faster
than the text: openers that never close, long runs of one character, long lines, deep
nesting, one tiny block a line. ``tests/book/test_pathological.py`` checks what the
pipeline makes of them and ``bench/pathological_bench.py`` times them.
"""

from __future__ import annotations

from collections.abc import Callable

_PROSE = (
    "Deep learning models learn representations of data with many layers of "
    "processing. Each layer transforms its input, and the last one predicts the "
    "label; training adjusts the weights by gradient descent on a loss.\n\n"
)


def _repeat(piece: str, size: int, head: str = "", tail: str = "") -> str:
    return head + piece * max(1, (size - len(head) - len(tail)) // len(piece)) + tail


def _distinct_tick_runs(size: int) -> str:
    """Runs of 1, 2, 3, … backticks: no run closes another."""
    parts, total, n = [], 0, 1
    while total < size:
        parts.append("`" * n + " a ")
        total += n + 3
        n += 1
    return "".join(parts)


def _nested_lists(size: int) -> str:
    lines, total, depth = [], 0, 0
    while total < size:
        line = "  " * depth + "- item\n"
        lines.append(line)
        total += len(line)
        depth = (depth + 1) % 400
    return "".join(lines)


#: name -> (what it is, builder of about ``size`` characters)
INPUTS: dict[str, tuple[str, Callable[[int], str]]] = {
    "comment-openers": ("'<!--a' repeated, no '-->'", lambda n: _repeat("<!--a", n, head="Text ")),
    "comment-openers-closed": (
        "'<!--a' repeated, one '-->' at the end",
        lambda n: _repeat("<!--a", n, head="Text ", tail="-->\n"),
    ),
    "backtick-openers": ("'``a`' repeated: no double run closes", lambda n: _repeat("``a`", n)),
    "backtick-run": ("one run of backticks, then text", lambda n: _repeat("`", n, tail=" a")),
    "backtick-lengths": ("runs of 1, 2, 3, … backticks", _distinct_tick_runs),
    "dollars": ("'$a ' repeated: math spans", lambda n: _repeat("$a ", n)),
    "dollar-escapes": ("'$' then '\\$' repeated", lambda n: _repeat("\\$a", n, head="$")),
    "backslashes": ("a run of backslashes", lambda n: _repeat("\\", n, tail="$")),
    "tag-openers": ("'<a ' repeated, no '>'", lambda n: _repeat("<a x ", n, head="Text ")),
    "link-openers": ("'](a \"' repeated on one line", lambda n: _repeat('](a "x', n)),
    "url-run": ("'http://' repeated, no space", lambda n: _repeat("http://a.", n)),
    "role-openers": ("':ref:`' repeated", lambda n: _repeat(":ref:`x ", n)),
    "spaces": ("a line of spaces", lambda n: _repeat(" ", n, head="a", tail="b\n")),
    "tabs-and-newlines": ("spaces and tabs then line breaks", lambda n: _repeat(" \t \n", n)),
    "dots": ("a run of dots", lambda n: _repeat(".", n, head="End", tail=" Next\n")),
    "exclamations-before-cjk": ("'!?' runs", lambda n: _repeat("!?", n, head="a", tail="中\n")),
    "cjk-stops": ("a run of '。'", lambda n: _repeat("。", n, head="中", tail="\n")),
    "closers": ("a run of closing quotes", lambda n: _repeat("”)", n, head="End.", tail=" A\n")),
    "emphasis": ("'*_' runs", lambda n: _repeat("*_", n, head="End.", tail=" A\n")),
    "long-line": ("prose without a line break", lambda n: _repeat("word and word. ", n)),
    "long-word": ("one word", lambda n: _repeat("a", n, tail="\n")),
    "numbers": ("'1.1.1…'", lambda n: _repeat("1.", n, head="v", tail="a\n")),
    "prose": ("paragraphs of ordinary prose", lambda n: _repeat(_PROSE, n)),
    "one-paragraph": ("ordinary sentences, no blank line", lambda n: _repeat(_PROSE[:-1], n)),
    "nested-quotes": ("'> ' nested deeper and deeper", lambda n: _repeat("> ", n, tail="a\n")),
    "nested-lists": ("list items nested 400 deep", _nested_lists),
    "unclosed-fence": ("a fence that never closes", lambda n: _repeat("x = 1\n", n, head="```\n")),
    "fences": ("'```' lines", lambda n: _repeat("```\n", n)),
    "table": ("a huge table", lambda n: _repeat("| a | b | c |\n", n, head="|x|y|z|\n|-|-|-|\n")),
    "headings": ("'#' lines", lambda n: _repeat("## A\n", n)),
    # One tiny block a line or two: each block costs the same, and a MB holds 100,000s.
    "short-paragraphs": ("'A' paragraphs", lambda n: _repeat("A\n\n", n)),
    "list-items": ("'- a' items", lambda n: _repeat("- a\n", n)),
    "ordered-items": ("'1. a' items", lambda n: _repeat("1. a\n", n)),
    "empty-items": ("'-' items", lambda n: _repeat("-\n", n)),
    "setext-headings": ("'A' underlined by '='", lambda n: _repeat("A\n=\n", n)),
    "rules": ("'***' lines", lambda n: _repeat("***\n", n)),
    "label-lines": ("':label:' lines", lambda n: _repeat(":label:`x`\n", n)),
    "math-blocks": ("'$$' blocks", lambda n: _repeat("$$\nx\n$$\n", n)),
    "figure-lines": ("'![a](b)' figures", lambda n: _repeat("![a](b)\n\n", n)),
    "setext": ("'=' underline", lambda n: _repeat("=", n, head="Title\n", tail="x\n")),
    "figure-openers": ("'![' then '](' repeated", lambda n: _repeat("](a", n, head="![")),
    "labels": ("':label:`' repeated", lambda n: _repeat(":label:`", n)),
    "spans": ("'<span' repeated", lambda n: _repeat("<span id='", n, head="Text ")),
    "markers": ("'[**' repeated", lambda n: _repeat("[**", n)),
    "parentheses": ("'(' repeated", lambda n: _repeat("(a ", n)),
    "reference-definitions": ("'[a]: b' lines", lambda n: _repeat("[a]: b\n", n)),
    "wrapped-references": ("'[a' then 'b]: c' lines", lambda n: _repeat("[a\nb]: c\n", n)),
    "blank-lines": ("blank lines", lambda n: _repeat("\n", n, head="a", tail="b\n")),
}


def build(name: str, size: int) -> str:
    """The input ``name`` with about ``size`` characters."""
    return INPUTS[name][1](size)
