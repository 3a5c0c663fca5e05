"""The backtracking patterns the linear code replaced, kept as the reference it must agree
with on inputs small enough for them (they take time quadratic in hostile inputs)."""

from __future__ import annotations

import re

from amts.book.sentences import _CJK_CHAR, _CJK_OPENERS, _CLOSERS

PROTECTED = re.compile(
    r"""
      (?P<role>:[A-Za-z_]+:\s?`[^`\n]+`)
    | (?P<code>(?P<ticks>`+)(?!`)(?:.+?)(?<!`)(?P=ticks)(?!`))
    | (?P<math>(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?(?<!\\)\$(?!\$))
    | (?P<html><!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
    | (?P<url>https?://[^\s<>()\[\]`]*[^\s<>()\[\]`.,;:!?'"。，；：！？）】])
    | (?P<link_target>(?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\))
    | (?P<marker>\[\*\*|\*\*\]|\(\*\*|\*\*\))
    """,
    re.VERBOSE | re.DOTALL,
)
FIGURE = re.compile(r"^[ \t]*!\[(?P<caption>.*)\]\([^)]*\)[ \t]*\r?\n?$", re.DOTALL)
GLOSSARY_ENTRY = re.compile(r"^\s*(?P<target>[^，,#]+?)\s*[，,]\s*(?P<source>.+?)\s*$")
PARENTHESIZED = re.compile(r"\s*\(.*?\)\s*")
LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
UNIT_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])[ \t]*")
LATIN_END = re.compile(r"[.!?…]++" + _CLOSERS + r"(?=\s+(?P<next>\S))")
CJK_END = re.compile(
    r"[!?…]*+[。！？｡．][。！？｡．!?…]*+" + _CLOSERS + r"(?!\s*[，,、；;。！？｡．]|\s*\]\()"
)
ASCII_BEFORE_CJK = re.compile(r"[!?]++" + _CLOSERS + rf"(?=[{_CJK_CHAR}{_CJK_OPENERS}])")


def protected(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each protected span, as the old pattern found them."""
    kinds = {"ticks": "code", "html": "html"}
    return [
        (kinds.get(m.lastgroup, m.lastgroup), m.start(), m.end()) for m in PROTECTED.finditer(text)
    ]
