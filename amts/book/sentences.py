"""Split the book's prose into sentences, the unit that alignment and parallel data work on.

d2lbook sources put one phrase per line, so a newline says nothing; sentence ends are
found from punctuation plus what follows it. Dots inside protected spans (code, math,
roles, URLs) never end a sentence, and a short per-language abbreviation table keeps
``e.g.`` or ``z. B.`` from cutting a sentence in two. Everything is driven by compiled
regexes: the Python code only looks at candidate sentence ends, never at every character,
because the whole book is split on every run of the parallel-data command.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from amts.book.protect import Span, protected_spans
from amts.errors import LanguageError


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence ``text[start:end]``, trimmed of surrounding whitespace."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


# Kept as-is by translators into any Latin-script language, so every language gets them.
_INTERNATIONAL = frozenset({"e.g.", "i.e.", "et al.", "vs.", "cf.", "i.i.d."})
_ENGLISH = frozenset(
    {
        *("Fig.", "Figs.", "Eq.", "Eqs.", "Sec.", "Secs.", "Ch.", "No.", "Nos."),
        *("Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Jr.", "St."),
        *("approx.", "resp.", "w.r.t.", "a.k.a.", "Ref.", "Refs.", "Tab.", "Thm."),
        *("p.d.f.", "p.m.f.", "c.d.f."),  # "with a p.d.f. or a p.m.f. $p(x)$"
    }
)
_IBERIAN = frozenset({"p. ex.", "Sr.", "Sra.", "Dr.", "Dra.", "Fig.", "Eq.", "pág.", "ex."})

# Words ending in a dot that never end a sentence, by language. A space inside an entry
# matches any (or no) whitespace, and an entry starting with a lowercase letter also
# covers its capitalised form ("e.g." and "E.g."). Not listed on purpose: "etc.", which
# often ends a sentence and is caught by the lowercase-next-word rule instead, and single
# capital initials ("J. Smith"), which are a rule of their own.
ABBREVIATIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "en": _INTERNATIONAL | _ENGLISH,
        "pt": _INTERNATIONAL
        | _IBERIAN
        | {"Sec.", "Cap.", "Prof.", "Profa.", "aprox.", "f.d.p.", "f.m.p.", "f.d.c."},
        "es": _INTERNATIONAL | _IBERIAN | {"p. ej.", "ej.", "Ec.", "núm.", "aprox.", "Ud."},
        "de": _INTERNATIONAL
        | {"z. B.", "d. h.", "u. a.", "usw.", "bzw.", "vgl.", "Nr.", "Abb.", "S.", "ca."}
        | {"Kap.", "Gl.", "Tab.", "Dr.", "Prof."},
        "fr": _INTERNATIONAL | {"p. ex.", "M.", "MM.", "Mme.", "Mlle.", "éq.", "fig.", "chap."},
        "tr": _INTERNATIONAL | {"vb.", "bkz.", "örn.", "Dr.", "Prof.", "Doç."},
        "vi": _INTERNATIONAL | {"TS.", "ThS.", "GS.", "PGS.", "Tp."},
        # CJK prose quotes English, so it gets the English table.
        "ko": _INTERNATIONAL | _ENGLISH,
        "zh": _INTERNATIONAL | _ENGLISH,
        "ja": _INTERNATIONAL | _ENGLISH,
    }
)
SUPPORTED_LANGUAGES: frozenset[str] = frozenset(ABBREVIATIONS)
_CJK_LANGUAGES = frozenset({"zh", "ja"})

# Closing punctuation that stays with the sentence it ends: quotes, brackets (but not the
# "](" of a link whose text ends with the dot), d2l's "**]"/"**)" markers, a French "»"
# after a (narrow) no-break space, and closing emphasis. Possessive, so that a sentence
# end is never found in the middle of a run of closers.
_CLOSERS = (
    r"(?:\*\*[\])]"
    r"|[ \u00a0\u202f]?»"
    r"|[\"'”’)」』）】》〉〕]"
    r"|\](?!\()"
    r"|[*_]+(?=[\s\"'”’»)\]]|\Z)"
    r")*+"
)
_CJK_CHAR = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_OPENERS = "「『（【《〈〔"

# "." "!" "?" "…", closers, then whitespace; what comes next is judged in Python. Each
# pattern starts only where its run of end marks starts: from inside the run it would match
# (or fail) the same way, after rescanning the run from every position.
_LATIN_END = re.compile(r"(?<![.!?…])[.!?…]++" + _CLOSERS + r"(?=\s+(?P<next>\S))")
# A full-width end needs no whitespace after it. A comma or semicolon after it means the
# sentence goes on, "。](" is the inside of a link's text, and in "！”。" the end is the "。".
_CJK_END = re.compile(
    r"(?<![。！？｡．!?…])[!?…]*+[。！？｡．][。！？｡．!?…]*+"
    + _CLOSERS
    + r"(?!\s*[，,、；;。！？｡．]|\s*\]\()"
)
_ASCII_BEFORE_CJK = re.compile(r"(?<![!?])[!?]++" + _CLOSERS + rf"(?=[{_CJK_CHAR}{_CJK_OPENERS}])")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
# A list marker at the start of a line starts a new item, so a sentence cannot go on there.
_LIST_ITEM = re.compile(r"(?<=\n)[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]")

_OPENERS = frozenset("\"'“‘„«‹([{¿¡`$*_" + _CJK_OPENERS)
_ROLE_AT = re.compile(r":[A-Za-z_]+:\s?`")
_IMAGE_AT = re.compile(r"!\[")
# "1." alone is a list item's number, not a sentence.
_ENUMERATOR = re.compile(r"\d{1,3}\.")
# A single capital followed by a dot is an initial ("H. G. Wells"), and a number right
# after an opening quote is a step's or a list's number ('Tap on "4. Add Storage"').
_INITIAL = r"[A-ZÀ-ÖØ-Þ]\."
_QUOTED_NUMBER = r"(?<=[\"“‘(\[])\d{1,3}\."


@cache
def _abbreviation_pattern(lang: str) -> tuple[re.Pattern[str], int]:
    """One regex for a language's table, and how far around a dot it must look; made for
    the languages a run splits, not all ten at import."""
    entries = ABBREVIATIONS[lang]
    forms = set(entries) | {e[0].upper() + e[1:] for e in entries if e[0].islower()}
    alternatives = [
        r"\s*".join(re.escape(word) for word in form.split(" "))
        for form in sorted(forms, key=len, reverse=True)
    ]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join([*alternatives, _INITIAL, _QUOTED_NUMBER]) + ")")
    return pattern, 2 * max(len(form) for form in forms)


def normalize_language(lang: str) -> str:
    """The primary subtag ("pt-BR" → "pt"), since sentence rules do not vary by region."""
    code = lang.strip().replace("_", "-").split("-")[0].lower()
    if code not in SUPPORTED_LANGUAGES:
        supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
        raise LanguageError(
            f"no sentence rules for language code {lang!r}; supported: {supported} "
            "(region subtags such as 'pt-BR' or 'zh_TW' are accepted)"
        )
    return code


def split_sentences(text: str, lang: str, spans: list[Span] | None = None) -> list[Sentence]:
    """Sentences of ``text`` in order; together they hold every non-whitespace character.

    ``spans`` are ``text``'s protected spans, sorted (default: :func:`protected_spans`);
    no sentence ends inside one. A line break alone never ends a sentence, but a blank
    line or a line starting with a list marker does: markdown starts a new block there.
    """
    code = normalize_language(lang)
    if not text or text.isspace():
        return []
    spans = protected_spans(text) if spans is None else spans
    finder = _BoundaryFinder(text, code, spans)
    return _sentences(text, finder.boundaries())


class _BoundaryFinder:
    """Checks the candidate sentence ends that the regexes find in one text."""

    def __init__(self, text: str, lang: str, spans: list[Span]) -> None:
        self.text = text
        self.lang = lang
        self.spans = spans
        self.starts = [span.start for span in spans]
        self.abbreviations, self.window = _abbreviation_pattern(lang)

    def boundaries(self) -> list[int]:
        text = self.text
        found = set()
        for match in _LATIN_END.finditer(text):
            end = match.end()
            if (
                self._free(match.start(), end)
                and self._starts_sentence(match.start("next"))
                and not (text[match.start()] == "." and self._abbreviation(match.start()))
            ):
                found.add(end)
        if self.lang in _CJK_LANGUAGES:
            for pattern in (_CJK_END, _ASCII_BEFORE_CJK):
                for match in pattern.finditer(text):
                    if self._free(match.start(), match.end()):
                        found.add(match.end())
        for pattern in (_BLANK_LINE, _LIST_ITEM):
            for match in pattern.finditer(text):
                if self._free(match.start(), match.start()):
                    found.add(match.start())
        return sorted(found)

    def _free(self, mark: int, boundary: int) -> bool:
        """Neither the punctuation at ``mark`` nor the cut at ``boundary`` is in a span."""
        k = bisect_right(self.starts, mark) - 1
        if k >= 0 and self.spans[k].end > mark:
            return False
        k = bisect_right(self.starts, boundary - 1) - 1
        return not (k >= 0 and self.spans[k].end > boundary)

    def _starts_sentence(self, at: int) -> bool:
        """A lowercase word after the dot ("e.g. the", "etc. and") continues the sentence."""
        char = self.text[at]
        if char.isalpha():
            return not char.islower()  # uppercase, or uncased: CJK, kana, Hangul
        if char.isdigit() or char in _OPENERS:
            return True
        if char == ":":
            return _ROLE_AT.match(self.text, at) is not None
        return char == "!" and _IMAGE_AT.match(self.text, at) is not None

    def _abbreviation(self, dot: int) -> bool:
        """The dot at ``dot`` belongs to an abbreviation or initial."""
        start = max(0, dot - self.window)
        for match in self.abbreviations.finditer(self.text, start, dot + self.window):
            if match.start() <= dot < match.end():
                return True
            if match.start() > dot:
                break
        return False


def _sentences(text: str, boundaries: list[int]) -> list[Sentence]:
    sentences: list[Sentence] = []
    previous = 0
    for boundary in [*boundaries, len(text)]:
        piece = text[previous:boundary]
        stripped = piece.strip()
        if stripped:
            start = previous + len(piece) - len(piece.lstrip())
            end = start + len(stripped)
            last = sentences[-1] if sentences else None
            if last and _ENUMERATOR.fullmatch(text, last.start, last.end):
                sentences[-1] = Sentence(last.start, end)
            else:
                sentences.append(Sentence(start, end))
        previous = boundary
    return sentences
