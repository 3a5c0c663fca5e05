"""Text the App posts on GitHub, made unable to notify anyone or link back anywhere.

A sync pull request quotes English sentences, and GitHub turns ``@user`` and
``@org/team`` into notifications and ``#12``, ``owner/repo#12`` and links to issues into
back-references on those issues, again on every rewrite of the body. As Dependabot does,
a zero-width space goes after the ``@`` and the ``#`` (the text reads the same), and a
link to an issue, pull request or commit on GitHub is shown as code, not linked. Code
spans and fenced blocks, where GitHub makes no mentions, are left as they are. Every
pattern here is linear in the text's length: the text comes from a tenant's book.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"

_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"https?://[^\s<>`()\[\]]+")
_GITHUB_REFERENCE = re.compile(
    r"https?://(?:www\.)?github\.com/[^/\s]+/[^/\s]+/(?:issues|pull|pulls|discussions|commit)/"
)
# After a character that cannot precede a mention or a reference (a word, an HTML entity).
_MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9])")
# ``owner/repo#12`` is tried only where a word starts (the look-behind), and its possessive
# parts never backtrack: each character is read a bounded number of times.
_REFERENCE = re.compile(r"(?<![\w.&/-])[\w.-]++/[\w.-]++#(?=\d)|(?<![&\w])#(?=\d)")


def neutralise(text: str) -> str:
    """``text`` with its mentions, issue references and GitHub issue links neutralised."""
    out: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1).startswith(fence):
                fence = ""
            out.append(line)
        elif marker:
            fence = marker.group(1)
            out.append(line)
        else:
            out.append(_line(line))
    return "".join(out)


def _line(line: str) -> str:
    parts, start = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts += [_prose(line[start : span.start()]), span.group()]
        start = span.end()
    parts.append(_prose(line[start:]))
    return "".join(parts)


def _prose(text: str) -> str:
    parts, start = [], 0
    for url in _URL.finditer(text):
        link = url.group()
        parts += [_words(text[start : url.start()])]
        parts.append(f"`{link}`" if _GITHUB_REFERENCE.match(link) else link)
        start = url.end()
    parts.append(_words(text[start:]))
    return "".join(parts)


def _words(text: str) -> str:
    text = _MENTION.sub("@" + ZERO_WIDTH_SPACE, text)
    return _REFERENCE.sub(lambda match: match.group() + ZERO_WIDTH_SPACE, text)
