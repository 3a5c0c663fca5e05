"""Carrying one file of a sync once its translation is known: the new translation and
its refreshed origin file, laid out block for block like the English.
"""

from __future__ import annotations

from amts.book import document
from amts.book.document import Document, Kind
from amts.corpus.parallel import ORIGIN_SUFFIX
from amts.errors import AmtsError
from amts.update.fileplan import FilePlan


class FileJob:
    """A file waiting for the engine: its plan, and how to finish it once translated."""

    def __init__(self, sync, work, outcome, new_english, new_bytes, moved, current) -> None:
        self.sync, self.work, self.outcome = sync, work, outcome
        self.new_english, self.new_bytes = new_english, new_bytes
        self.moved, self.current = moved, current
        self.translation: bytes | None = None
        self.plan: FilePlan | None = None
        self.failed = ""

    def complete(self) -> None:
        """Write the translation (and refresh its origin file) into the outcome."""
        sync, work, outcome = self.sync, self.work, self.outcome
        if self.failed:
            raise AmtsError(self.failed)
        out = outcome.files
        if self.translation is None:
            text, outcome.report = sync.updater.finish(self.plan)
            text = follow_layout(self.new_english, text, work.path)
            data, outcome.status = text.encode("utf-8"), "translated"
        else:
            data = self.translation
            if self.plan is not None:
                text, outcome.report = sync.updater.finish(self.plan)
                # Never write what cannot be read back; parsed, it is the next sync's old
                # translation, which then finds it in the cache.
                sync.parse(text, work.path)
                data = text.encode("utf-8")
            if not sync.origins:
                outcome.lag = sync.translation_lag(self.new_english, data)
            changed = data != self.translation
            outcome.status = "updated" if changed else "unchanged"
            if self.moved:
                outcome.status, outcome.note = "renamed", "updated too" if changed else ""
        if self.moved or data != self.translation:
            out[work.path] = data
        origin = sync.target.read(sync.head, origin_path(self.current)) if sync.origins else None
        if sync.origins and (self.moved or origin != self.new_bytes):
            out[origin_path(work.path)] = self.new_bytes
            if outcome.status == "unchanged":
                outcome.status, outcome.note = "updated", "origin file refreshed"


def origin_path(path: str) -> str:
    return path[: -len(".md")] + ORIGIN_SUFFIX


def follow_layout(english: Document, text: str, path: str) -> str:
    """A new file's translation with the English's blank lines between blocks.

    d2lbook reads ``:label:`` as the label of the line above it and a blank line ends a
    list: a whole-file translation must keep the English's layout block for block. The
    updater already places new blocks with the English's blank lines; this is the last
    check before writing, and refuses a translation whose blocks differ.
    """
    blocks = [b for b in english.blocks if b.kind not in (Kind.BLANK, Kind.FRONT_MATTER)]
    translated = [b for b in document.parse(text, path).blocks if b.kind is not Kind.BLANK]
    if [b.kind for b in blocks] != [b.kind for b in translated]:
        raise AmtsError(
            f"{path}: the new translation does not have the English's blocks; not written. "
            "Translate this file by hand or report it"
        )
    parts, texts = [], iter(translated)
    for block in english.blocks:
        if block.kind is Kind.BLANK and parts:
            parts.append(block.text)
        elif block.kind not in (Kind.BLANK, Kind.FRONT_MATTER):
            ending = block.text[len(block.text.rstrip("\r\n")) :]
            parts.append(next(texts).text.rstrip("\r\n") + ending)
    return "".join(parts)
