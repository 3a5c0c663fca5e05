"""One file for a sync to carry: the English change, and where its translation is."""

from __future__ import annotations

from dataclasses import dataclass

from amts.book.document import Document


@dataclass
class Work:
    kind: str  # of the English change
    path: str | None  # the English at ``to``, where the translation belongs (None: deleted)
    old_path: str | None  # where the translation is now, and its English at ``base``
    base: str
    retry: bool = False
    # A catch-up says which English the translation follows and which it is to follow,
    # instead of a push's edits (see amts.sync.catchup).
    catch_up: bool = False
    old_english: Document | None = None
    new_english: Document | None = None
