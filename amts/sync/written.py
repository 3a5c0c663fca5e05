"""``.amts/written.json``: the sentences AMTS wrote on a sync branch, told from human ones.

``/amts retranslate`` may only touch what a machine wrote and nobody has edited since.
Git history cannot tell that once translators commit on the branch, so each sync commit
records the sentences it wrote (from the translation memory, an engine, or left in
English), and a sentence still counts as AMTS's while its ``target`` text occurs
verbatim in the file at the branch head.

A sync that continues a branch appends to the record found there; one that starts a new
branch starts an empty record, so a merged pull request's sentences are never claimed
again.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import BinaryIO

from amts.errors import InputError
from amts.sync.report import FileResult
from amts.update.changes import Origin

WRITTEN_PATH = ".amts/written.json"
VERSION = 1
#: The origins of text AMTS wrote; "kept" and "verbatim" are the human's or the English's.
WRITTEN_ORIGINS = (Origin.MEMORY, Origin.ENGINE, Origin.UNTRANSLATED)


@dataclass(frozen=True)
class WrittenSentence:
    """One sentence AMTS wrote into ``path``: its English and the text written."""

    path: str
    source: str
    target: str
    origin: str  # "memory", "engine" or "untranslated"


@dataclass
class WrittenRecord:
    """The content of ``.amts/written.json``."""

    sentences: list[WrittenSentence] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, data: bytes | None, where: str = WRITTEN_PATH) -> WrittenRecord:
        """The record in ``data``; ``None`` (no file yet) is an empty record."""
        if data is None:
            return cls()
        try:
            raw = json.loads(data.decode("utf-8"))
            items = raw["sentences"]
            return cls([WrittenSentence(**item) for item in items])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f'{where}: not a record of written sentences ({{"version": 1, "sentences": '
                f"[…]}}): {exc}; delete it and the next sync starts a new one"
            ) from exc

    def to_bytes(self) -> bytes:
        """The record as ``json.dumps(..., indent=2)`` writes it."""
        spool = io.BytesIO()
        WrittenSpool(spool, unique=False).add(self.sentences).finish()
        return spool.getvalue()

    def add(self, sentences: Iterable[WrittenSentence]) -> None:
        """Append ``sentences``, skipping exact repeats of an entry already recorded."""
        seen = set(self.sentences)
        for sentence in sentences:
            if sentence not in seen:
                seen.add(sentence)
                self.sentences.append(sentence)


class WrittenSpool:
    """A record written into ``out`` (a file) as the sentences come, with
    ``json.dumps(..., indent=2)``'s bytes: a push of thousands of files records a hundred
    thousand sentences, which a sync then holds as a short digest each, not as text.
    With ``unique``, repeats of a sentence added before are skipped, as
    :meth:`WrittenRecord.add` does."""

    _HEAD = f'{{\n  "version": {VERSION},\n  "sentences": [\n'.encode()

    def __init__(self, out: BinaryIO, *, unique: bool = True) -> None:
        self.out, self.unique = out, unique
        self.count = 0
        self._seen: set[bytes] = set()
        self._names = [f.name for f in fields(WrittenSentence)]

    def add(self, sentences: Iterable[WrittenSentence]) -> WrittenSpool:
        for sentence in sentences:
            item = self._item(sentence)
            if self.unique:
                key = hashlib.blake2b(item, digest_size=16).digest()
                if key in self._seen:
                    continue
                self._seen.add(key)
            self.out.write(b",\n" + item if self.count else self._HEAD + item)
            self.count += 1
        return self

    def finish(self) -> None:
        if self.count:
            self.out.write(b"\n  ]\n}\n")
        else:
            empty = json.dumps({"version": VERSION, "sentences": []}, indent=2) + "\n"
            self.out.write(empty.encode())

    def _item(self, sentence: WrittenSentence) -> bytes:
        """One sentence of the record, indented as the list's item."""
        lines = ",\n".join(
            f"      {json.dumps(name)}: {json.dumps(getattr(sentence, name), ensure_ascii=False)}"
            for name in self._names
        )
        return f"    {{\n{lines}\n    }}".encode()


def written_by(files: Iterable[FileResult]) -> list[WrittenSentence]:
    """The sentences a sync wrote, from each carried file's update report, in file order."""
    sentences = []
    for file in files:
        if file.report is None or file.status == "skipped":
            continue
        for change in file.report.changes:
            for sentence in change.sentences:
                if sentence.origin in WRITTEN_ORIGINS and sentence.target.strip():
                    sentences.append(
                        WrittenSentence(
                            file.path,
                            sentence.source,
                            sentence.target,
                            Origin(sentence.origin).value,
                        )
                    )
    return sentences
