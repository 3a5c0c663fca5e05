"""Pseudo-translation: deterministic fake translations that show where words came from.

* a block equal to a source sentence of the job's parallel data becomes that pair's
  target (proof that the parallel data reached the job);
* a term of the requested terminology becomes its target term;
* everything else becomes ``〔zh〕`` + the text; ``translate="no"`` elements are copied.

:meth:`~.state.TranslateEmulator.corrupt_placeholders` makes it drop a protected span,
as a real engine sometimes does, so that the engine's checks can be tested.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_TAG = re.compile(r"<[^<>]*>")
_BLOCK = re.compile(r"(<p\b[^>]*>)(.*?)(</p\s*>)", re.DOTALL | re.IGNORECASE)
_NO_TRANSLATE = re.compile(r"""\btranslate\s*=\s*["']?no\b""", re.IGNORECASE)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_NT_ELEMENT = re.compile(
    r"""<(?P<name>[A-Za-z][A-Za-z0-9-]*)\b[^<>]*\btranslate\s*=\s*["']?no\b[^<>]*>"""
    r"""(?P<body>[^<]*)</(?P=name)\s*>""",
    re.IGNORECASE,
)


@dataclass
class Rules:
    """What a translation may use: terminology, parallel data, corruption on demand."""

    target: str
    terms: dict[str, str] = field(default_factory=dict)
    memory: dict[str, str] = field(default_factory=dict)
    corrupt: list[str] = field(default_factory=list)
    applied: dict[str, str] = field(default_factory=dict)

    def term_pattern(self) -> re.Pattern[str] | None:
        if not self.terms:
            return None
        terms = sorted(self.terms, key=len, reverse=True)
        alternation = "|".join(re.escape(html.escape(t, quote=False)) for t in terms)
        return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def translate_html(document: str, rules: Rules) -> str:
    """Translate each ``<p>`` block of a document, or the whole text if it has none."""
    if _BLOCK.search(document):
        return _BLOCK.sub(lambda m: m[1] + translate_block(m[2], rules) + m[3], document)
    return translate_block(document, rules)


def translate_plain(document: str, rules: Rules) -> str:
    """Translate ``text/plain``: one block per line, nothing is markup."""
    lines = document.split("\n")
    return "\n".join(
        html.unescape(translate_block(html.escape(line, quote=False), rules))
        if line.strip()
        else line
        for line in lines
    )


def translate_block(inner: str, rules: Rules) -> str:
    """Pseudo-translate one block of HTML; ``translate="no"`` elements are copied."""
    plain = html.unescape(_TAG.sub("", inner)).strip()
    if any(marker in plain for marker in rules.corrupt) and _NT_ELEMENT.search(inner):
        inner = _NT_ELEMENT.sub("", inner, count=1)  # an engine that drops a span
    if plain in rules.memory:
        return _from_memory(inner, rules.memory[plain])
    return _pseudo(inner, rules)


def _from_memory(inner: str, target: str) -> str:
    out = html.escape(target, quote=False)
    for element in _NT_ELEMENT.finditer(inner):
        body = element["body"]
        if body and body in out:
            out = out.replace(body, element[0], 1)
    return out


def _pseudo(inner: str, rules: Rules) -> str:
    pattern = rules.term_pattern()
    out: list[str] = []
    prefix_pending = True
    no_translate: list[str] = []  # open element names inside a translate="no" element
    for token in re.split(r"(<[^<>]*>)", inner):
        if not token:
            continue
        if token.startswith("<"):
            name_match = _TAG_NAME.match(token)
            name = name_match[1].lower() if name_match else ""
            closing = token.startswith("</")
            if no_translate:
                if closing and no_translate[-1] == name:
                    no_translate.pop()
                elif not closing and not token.endswith("/>"):
                    no_translate.append(name)
            elif not closing and _NO_TRANSLATE.search(token):
                if prefix_pending:
                    out.append(f"〔{rules.target}〕")
                    prefix_pending = False
                no_translate.append(name)
            out.append(token)
            continue
        if no_translate or pattern is None:
            text = token
        else:
            text = pattern.sub(lambda m: _apply_term(m[0], rules), token)
        if prefix_pending and not no_translate and token.strip():
            lead = len(text) - len(text.lstrip())
            text = f"{text[:lead]}〔{rules.target}〕{text[lead:]}"
            prefix_pending = False
        out.append(text)
    return "".join(out)


def _apply_term(found: str, rules: Rules) -> str:
    source = html.unescape(found)
    for term, target in rules.terms.items():
        if term.lower() == source.lower():
            rules.applied[term] = target
            return html.escape(target, quote=False)
    return found
