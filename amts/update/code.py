"""Code blocks follow the new English, but keep what the translators translated in them.

d2l-zh translates comments and docstrings inside code (``# 列名`` for ``# Column
names``) and never the code itself. So the new block is the new English code,
line for line, except that where the old translation has a line with the same
code, its translated comment is kept; a comment-only or docstring line keeps its
translation when it stands at the same place among lines that changed. The code
itself, indentation included, always comes from the English.

A line of the old translation that equals a line of the old English was never
translated (translators leave some comments and docstrings in English): it follows
the new English, as untranslated captions do.
"""

from __future__ import annotations

import re

from amts.update.diff import SequenceMatcher

_DOCSTRING = re.compile(r"^\s*[rbuRBU]?(\"\"\"|''')")
#: A comment's "#" on a line without string literals: any but d2l's "#@" markers.
_COMMENT = re.compile(r"#(?!@)")


def split_comment(line: str) -> tuple[str, str]:
    """(code, comment) of a Python line; a ``#`` inside a string literal is code."""
    if "#" not in line:
        return line, ""
    if "'" not in line and '"' not in line:  # no string literal: the first "#" but "#@"
        found = _COMMENT.search(line)
        return (line[: found.start()], line[found.start() :]) if found else (line, "")
    return _scan_comment(line)


def _scan_comment(line: str) -> tuple[str, str]:
    """:func:`split_comment` character by character, through string literals."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = None
        elif line.startswith(('"""', "'''"), index):
            quote = line[index : index + 3]
            index += 2
        elif char in "\"'":
            quote = char
        elif char == "#" and not line.startswith("#@", index):
            return line[:index], line[index:]
        index += 1
    return line, ""


def _key(line: str) -> str:
    code, comment = split_comment(line)
    key = "".join(code.split())
    return key or "#" + comment.strip()


def _prose_kind(line: str) -> str | None:
    """``"comment"`` or ``"docstring"`` for a line a translator may rewrite whole, else None."""
    if _DOCSTRING.match(line):
        return "docstring"
    code, comment = split_comment(line)
    return "comment" if not code.strip() and comment else None


def _same_prose(english: str, translated: str) -> bool:
    """Both lines are comments, or both docstrings: a docstring is code the program sees, so
    a comment never becomes one, nor one a comment."""
    kind = _prose_kind(english)
    return kind is not None and kind == _prose_kind(translated)


def _with_translation(english: str, translated: str) -> str:
    """The English line's code with the translation's comment (or docstring text)."""
    if english == translated:
        return english
    ending = english[len(english.rstrip("\r\n")) :]
    if _same_prose(english, translated):
        indent = english[: len(english) - len(english.lstrip())]
        return indent + translated.strip() + ending
    code, comment = split_comment(english.rstrip("\r\n"))
    _, translated_comment = split_comment(translated.rstrip("\r\n"))
    if not comment or not translated_comment:
        return english
    return code + translated_comment.rstrip() + ending


def merge_code(new_english: str, old_translation: str, old_english: str = "") -> str:
    """The new code block for the translation (see the module docstring); ``old_english``
    is the block the old translation was made from."""
    english = new_english.splitlines(keepends=True)
    translated = old_translation.splitlines(keepends=True)
    untranslated = {line.strip() for line in old_english.splitlines()}
    result = list(english)
    matcher = SequenceMatcher(
        None, [_key(x) for x in english], [_key(x) for x in translated], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = zip(range(i1, i2), range(j1, j2), strict=True)
        elif tag == "replace" and i2 - i1 == j2 - j1:
            pairs = (
                (i, j)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                if _same_prose(english[i], translated[j])
            )
        else:
            continue
        for i, j in pairs:
            if translated[j].strip() not in untranslated:
                result[i] = _with_translation(english[i], translated[j])
    return "".join(result)
