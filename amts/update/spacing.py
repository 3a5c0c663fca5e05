"""How translated text meets the text around it, language by language.

Chinese and Japanese put no space between sentences or characters; English left
untranslated inside Chinese still needs one after its full stop. Some pieces are
only known once the engine has answered, so the space between them is decided late.
"""

from __future__ import annotations

import re
import unicodedata

from amts.update.changes import SentenceResult

#: Languages written without spaces between sentences.
CJK = frozenset({"zh", "ja"})
_WIDE = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_WIDE}])[ \t]+(?=[{_WIDE}])")


def separator(lang: str) -> str:
    """What stands between two sentences of a paragraph on one line."""
    return "" if lang in CJK else " "


def tidy(text: str, lang: str) -> str:
    """Corpora keep a unit on one line (a line break became a space); Chinese and Japanese
    put no space between their characters."""
    return _CJK_SPACE.sub("", text) if lang in CJK else text


def is_wide(char: str) -> bool:
    """CJK characters and full-width punctuation, which need no space around them."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _is_narrow_text(char: str) -> bool:
    return not char.isspace() and not is_wide(char)


def render(part: object) -> str:
    """The text of a piece of an edit: a string, a sentence's result, or a :class:`Gap`."""
    if isinstance(part, str):
        return part
    if isinstance(part, SentenceResult):
        return part.target
    return part.render()


class Gap:
    """The space between two sentences, decided once both are known: the language's own
    separator, or one space where English (left untranslated) meets English."""

    def __init__(self, left: object, right: object, default: str) -> None:
        self.left, self.right, self.default = left, right, default

    def render(self) -> str:
        left, right = render(self.left), render(self.right)
        if left and right and _is_narrow_text(left[-1]) and _is_narrow_text(right[0]):
            return " "
        return self.default


def latin_joiner(left: str, right: str) -> str:
    """In Chinese text, an English sentence left untranslated still needs a space after its
    full stop when more English follows."""
    if left in ".!?;:" and not is_wide(right) and (right.isalnum() or right in "`$[(*"):
        return " "
    return ""


def joiner_for(lang: str):
    """The joiner :func:`amts.update.textedit.apply_edits` needs for ``lang``, if any."""
    return latin_joiner if lang in CJK else None
