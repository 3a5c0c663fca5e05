"""What an update did to a translation, block by block and sentence by sentence.

Reviewers need to know, for every sentence in a changed block, whether a human
wrote it (kept), the translation memory supplied it, an engine produced it, or
nobody could (left in English and flagged). These records are what the report
and the pull request body are made of.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Origin(StrEnum):
    KEPT = "kept"  # the human translation, unchanged
    MEMORY = "memory"  # the translation memory: exact or repaired fuzzy match
    ENGINE = "engine"  # machine translation
    UNTRANSLATED = "untranslated"  # left in the source language, flagged for translators
    VERBATIM = "verbatim"  # code, math, labels: copied from the new English


class ChangeKind(StrEnum):
    UNCHANGED = "unchanged"
    MODIFIED = "modified"
    INSERTED = "inserted"
    DELETED = "deleted"
    MOVED = "moved"


@dataclass
class SentenceResult:
    """One sentence of the new translation and where its words came from."""

    source: str
    target: str
    origin: Origin
    detail: str = ""  # "exact", "fuzzy", "amazon:batch" …
    score: float | None = None
    note: str = ""


@dataclass
class BlockChange:
    """A block of the new English whose translation was written, or an old one removed."""

    kind: ChangeKind
    block_kind: str
    old_source: str | None
    new_source: str | None
    old_target: str | None
    new_target: str | None
    confidence: float | None = None  # of the old English ↔ translation link
    sentences: list[SentenceResult] = field(default_factory=list)
    line: int | None = None  # first line in the new translation
    note: str = ""


@dataclass
class Quality:
    """An engine's scores on held-out human translations of the same file (sacrebleu)."""

    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    sentences: int


@dataclass
class UpdateReport:
    """Everything a reviewer needs about one updated file."""

    path: str
    src_lang: str
    tgt_lang: str
    engine: str
    changes: list[BlockChange] = field(default_factory=list)
    chars_sent: int = 0  # characters sent to a paid engine: the cost
    changed_chars: int = 0  # characters of English sentences that actually changed
    file_chars: int = 0  # characters of the whole new English prose: re-translating it all
    notes: list[str] = field(default_factory=list)
    quality: Quality | None = None
    signature: str = ""

    def counts(self) -> dict[str, int]:
        """How many sentences came from each origin, for the summary line."""
        counts = {origin.value: 0 for origin in Origin}
        for change in self.changes:
            for sentence in change.sentences:
                counts[sentence.origin.value] += 1
        return counts

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = self.counts()
        return data
