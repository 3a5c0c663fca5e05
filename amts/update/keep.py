"""When a human translation survives an edit of its English.

An English sentence can change without its translation going stale: d2l's highlight
markers (``[** … **]``) mark text, they do not change it; the translator may already
have written the new numbers; and languages without plural nouns do not follow an
English "notebook" becoming "notebooks". Each rule here was checked against real
d2l-zh sync commits (``bench/replay_bench.py``): case, punctuation and article edits
are *not* in the list, because maintainers do re-translate those.
"""

from __future__ import annotations

import re

from amts.align.anchors import FeatureExtractor
from amts.update.diff import normalize
from amts.update.markers import strip_markers

_WORDS = re.compile(r"[^\W_]+")
_PLURAL = re.compile(r"(?<=[a-z]{3})(?:es|s)$")
#: Languages whose nouns do not mark number: "notebook" and "notebooks" translate alike.
_NO_NOUN_NUMBER = frozenset({"zh", "ja", "ko"})
_ANCHORS = FeatureExtractor(lowercase_terms=False)


def sentence_key(sentence: str) -> str:
    """What two versions of a sentence are compared by: highlight markers and line
    wrapping are no edit."""
    return normalize(strip_markers(sentence))


def number_only_edit(old: str, new: str, tgt_lang: str) -> bool:
    """The English only changed singular and plural nouns, which the target does not mark."""
    if tgt_lang not in _NO_NOUN_NUMBER:
        return False

    def words(text: str) -> list[str]:
        return [_PLURAL.sub("", w) for w in _WORDS.findall(strip_markers(text))]

    return words(old) == words(new) and normalize(old) != normalize(new)


def translator_was_ahead(old: str, new: str, target: str) -> bool:
    """The translation already has the new English's numbers, code and math, which the old
    English did not: it was written from a newer English than its origin file says."""
    old_anchors, new_anchors = _ANCHORS(old).anchors, _ANCHORS(new).anchors
    target_anchors = _ANCHORS(target).anchors
    return bool(new_anchors) and new_anchors == target_anchors and old_anchors != target_anchors


def still_current(old: str, new: str, target: str, tgt_lang: str, follows_glossary: bool) -> str:
    """Why the translation of an edited sentence still holds, or ``""`` when it does not.

    A translation kept through an edit must use the team's terms (``follows_glossary``):
    one that does not is due for revision anyway.
    """
    if number_only_edit(old, new, tgt_lang) and follows_glossary:
        return "the English only changed singular/plural, which the translation does not mark"
    if translator_was_ahead(old, new, target):
        return "the translation already follows the new English (numbers, code, math)"
    return ""
