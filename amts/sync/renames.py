"""Where an English file went when its path is gone: found by content, not by git history.

A translation keeps the English's code, math and ``:label:`` lines (and d2l-zh keeps the
English itself in ``X_origin.md``), so the English file that now holds most of them is the
one it was renamed to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from amts.book.document import VERBATIM_KINDS, Document, Kind
from amts.update.diff import normalize

#: Share of a gone file's fingerprint a new English file must hold to be its new path.
MIN_SHARED = 0.3
MIN_KEYS = 3
#: Lines too common to tell files apart.
_COMMON = (":begin_tab:", ":end_tab:", "```")


def fingerprint(doc: Document, *, prose: bool) -> list[str]:
    """The blocks that survive translation (and with ``prose``, every block), in order."""
    keys: dict[str, None] = {}
    for block in doc.blocks:
        if block.kind is Kind.BLANK or (not prose and block.kind not in VERBATIM_KINDS):
            continue
        key = normalize(block.text)
        if len(key) > 12 and not key.startswith(_COMMON):
            keys[key] = None
    return list(keys)


class RenameFinder:
    """Candidates indexed once; each gone file looked up by its fingerprint."""

    def __init__(self, candidates: Mapping[str, Document]) -> None:
        self.index: dict[str, set[str]] = {}
        for path, doc in candidates.items():
            for key in fingerprint(doc, prose=True):
                self.index.setdefault(key, set()).add(path)

    def find(self, keys: list[str]) -> str | None:
        """The candidate holding most of ``keys``, if it holds enough of them; the one with
        the same section label (``:label:`` under the first heading) before any other."""
        labels = [key for key in keys if key.startswith(":label:")]
        by_label = {p for key in labels[:1] for p in self.index.get(key, ())}
        if len(by_label) == 1:
            return by_label.pop()
        if len(keys) < MIN_KEYS:
            return None
        votes = Counter(path for key in keys for path in self.index.get(key, ()))
        if not votes:
            return None
        path, shared = min(votes.items(), key=lambda item: (-item[1], item[0]))
        if shared < MIN_KEYS or shared < MIN_SHARED * len(keys):
            return None
        return path
