"""When a human translation survives an edit of its English.

An English sentence can change without its translation going stale: d2l's highlight
markers (``[** … **]``) mark text, they do not change it; the translator may already
have written the new numbers, code or term; a misspelt word corrected in the English
was never in the translation; and languages without plural nouns do not follow an
English "notebook" becoming "notebooks". Each rule here was checked against real
d2l-zh sync commits (``bench/replay_bench.py``): case, punctuation and article edits
are *not* in the list, because maintainers do re-translate those.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from amts.align.anchors import FeatureExtractor
from amts.update.diff import SequenceMatcher, normalize
from amts.update.markers import strip_markers

#: A word, or any other character but a space: punctuation, dashes and emphasis are edits.
_TOKENS = re.compile(r"[^\W_]+|\S")
_WORDS = re.compile(r"[^\W\d_]+")
_PLURAL = re.compile(r"(?<=[a-z]{3})(?:es|s)$")
#: A word as typed, typos included: lower case only, or capitalized at a sentence start.
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]*")
#: Languages whose nouns do not mark number: "notebook" and "notebooks" translate alike.
_NO_NOUN_NUMBER = frozenset({"zh", "ja", "ko"})
_ANCHORS = FeatureExtractor(lowercase_terms=False)
_TURKISH_I = str.maketrans("İı", "ii")
#: The longest term (in tokens) that "the translator was ahead" swaps.
_TERM_TOKENS = 3


def sentence_key(sentence: str) -> str:
    """What two versions of a sentence are compared by: highlight markers and line
    wrapping are no edit."""
    return normalize(strip_markers(sentence))


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(strip_markers(text))


class _Replacement(NamedTuple):
    """The one run of tokens an edit replaced: ``before[start:end]`` became ``added``."""

    before: list[str]
    start: int
    end: int
    added: list[str]

    @property
    def removed(self) -> list[str]:
        return self.before[self.start : self.end]


@lru_cache(maxsize=256)
def _anchors(text: str) -> Counter[str]:
    """The code, math and numbers of ``text`` (each rule asks for the same sentences'); the
    result is shared: read it, never change it."""
    return _ANCHORS(text).anchors


@lru_cache(maxsize=64)
def _replacement(old: str, new: str) -> _Replacement | None:
    """The edit from ``old`` to ``new`` as one replacement of tokens, or None when it is more
    than one, or touches code, math or numbers (asked by two rules: computed once; the result
    is shared, never changed)."""
    before, after = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    # The anchors last: most edits are more than one replacement, told by the cheaper diff.
    if len(edits) != 1 or _anchors(old) != _anchors(new):
        return None
    _, start, end, added_start, added_end = edits[0]
    return _Replacement(before, start, end, after[added_start:added_end])


def number_only_edit(old: str, new: str, tgt_lang: str) -> bool:
    """The English only changed singular and plural nouns, which the target does not mark.

    Punctuation, hyphens, dashes, quotes and emphasis are tokens too: an edit of them is
    no change of number, and maintainers re-translate it.
    """
    if tgt_lang not in _NO_NOUN_NUMBER:
        return False

    def words(text: str) -> list[str]:
        return [_PLURAL.sub("", token) for token in _tokens(text)]

    return words(old) == words(new) and normalize(old) != normalize(new)


@lru_cache(maxsize=8)
def _word_counts(text: str) -> Counter[str]:
    return Counter(word.lower() for word in _WORDS.findall(text))


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def typo_fix(old: str, new: str, target: str, old_text: str, new_text: str) -> bool:
    """The English corrected a misspelt word or removed a doubled one: neither was ever in
    the translation.

    A misspelling is a word of three letters or more within two edits of its correction,
    with the same first letter, that is no word of the file: it occurs nowhere else in
    the old English (``old_text``) nor in the new (``new_text``), and the translation does
    not carry it as a term. A real word replaced ("form" → "from" where "form" is used
    elsewhere) is a change of meaning.
    """
    edit = _replacement(old, new)
    if edit is None:
        return False
    if not edit.added:
        # "the the" → "the": one word removed that repeats the word before or after it.
        neighbours = edit.before[edit.start - 1 : edit.start] + edit.before[edit.end : edit.end + 1]
        return (
            len(edit.removed) == 1
            and _WORDS.fullmatch(edit.removed[0]) is not None
            and edit.removed[0].lower() in (n.lower() for n in neighbours)
        )
    if len(edit.removed) != 1 or len(edit.added) != 1:
        return False
    wrong, right = edit.removed[0], edit.added[0]
    if not (_PLAIN_WORD.fullmatch(wrong) and _PLAIN_WORD.fullmatch(right)):
        return False
    # A typist rarely gets a word's first letter wrong: "anal" → "banal" is a new word.
    if wrong[0] != right[0] or len(wrong) < 3 or _edit_distance(wrong, right) > 2:
        return False
    key = wrong.lower()
    in_sentence = sum(1 for word in _WORDS.findall(old) if word.lower() == key)
    elsewhere = _word_counts(old_text)[key] - in_sentence + _word_counts(new_text)[key]
    return elsewhere <= 0 and not _has_term(target, wrong)


def _latin_script(text: str) -> bool:
    """No letter of the text is outside the Latin script: there an English word in it need
    not be a term the translator kept."""
    letters = "".join(_WORDS.findall(text))
    return all(unicodedata.name(char, "").startswith("LATIN") for char in letters)


def fold(text: str) -> str:
    """``text`` case-folded, Turkish dotted and dotless i as "i": every character that
    matches an ASCII character ignoring case (``re.I``) folds to what that one folds to."""
    return text.translate(_TURKISH_I).casefold()


def _has_term(text: str, term: str) -> bool:
    # Most terms are absent: an ASCII term found ignoring case is in the folded text, which
    # tells so without compiling a pattern for each term.
    if term.isascii() and fold(term) not in fold(text):
        return False
    return bool(re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", text, re.I))


def _term(tokens: list[str], source: str) -> str | None:
    """The text of a run of tokens as the sentence writes it, if it is a Latin-script term."""
    if not tokens or len(tokens) > _TERM_TOKENS or not any(_WORDS.fullmatch(t) for t in tokens):
        return None
    found = find_run(tokens, strip_markers(source))
    return normalize(found) if found is not None else None


def find_run(tokens: list[str], text: str) -> str | None:
    r"""The leftmost text of ``tokens`` in a row with any whitespace between them: what
    ``re.search(r"\s*".join(map(re.escape, tokens)), text)`` finds, with no pattern to
    compile. A token (``_TOKENS``) never starts with a space, so skipping all of them
    before each is the only way it can match."""
    first = tokens[0]
    start = text.find(first)
    while start != -1:
        end = start + len(first)
        for token in tokens[1:]:
            while end < len(text) and text[end].isspace():
                end += 1
            if not text.startswith(token, end):
                break
            end += len(token)
        else:
            return text[start:end]
        start = text.find(first, start + 1)
    return None


def translator_was_ahead(old: str, new: str, target: str) -> bool:
    """The translation already has the new English's numbers, code and math, which the old
    English did not: it was written from a newer English than its origin file says."""
    new_anchors = _anchors(new)  # most sentences have none: nothing else to compute
    return bool(new_anchors) and new_anchors == _anchors(target) and _anchors(old) != new_anchors


def term_already_swapped(old: str, new: str, target: str) -> bool:
    """The English swapped one Latin-script term for another ("ReLU" → "GELU") and the
    translation, written in another script, already has the new term and not the old."""
    edit = _replacement(old, new)
    if edit is None or _latin_script(target):
        return False
    old_term, new_term = _term(edit.removed, old), _term(edit.added, new)
    return (
        old_term is not None
        and new_term is not None
        and _has_term(target, new_term)
        and not _has_term(target, old_term)
    )


def still_current(
    old: str,
    new: str,
    target: str,
    tgt_lang: str,
    follows_glossary: bool | Callable[[], bool],
    old_text: str = "",
    new_text: str = "",
) -> str:
    """Why the translation of an edited sentence still holds, or ``""`` when it does not.

    ``old_text`` and ``new_text`` are the whole old and new English files, which tell a
    misspelling from a word. A translation kept through an edit must use the team's
    terms (``follows_glossary``, or a function that checks it: only the two rules that
    need it ask, and they seldom apply): one that does not is due for revision anyway.
    """

    def glossary_followed() -> bool:
        return follows_glossary() if callable(follows_glossary) else follows_glossary

    if number_only_edit(old, new, tgt_lang) and glossary_followed():
        return "the English only changed singular/plural, which the translation does not mark"
    if old_text and typo_fix(old, new, target, old_text, new_text) and glossary_followed():
        return "the English only corrected a misspelt or doubled word"
    if translator_was_ahead(old, new, target):
        return "the translation already follows the new English (numbers, code, math)"
    if term_already_swapped(old, new, target):
        return "the translation already has the new English's term"
    return ""
