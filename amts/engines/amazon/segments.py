"""How segments travel to Amazon Translate and back, with their protected spans intact.

Outbound, each segment is masked (:mod:`amts.book.placeholders`): protected spans become
``translate="no"`` elements. For batch jobs the masked segments are laid out as HTML
documents, one ``<p id="s<n>">`` per segment so that every answer maps back by id.
Inbound, each answer is unmasked; one whose spans did not survive is flagged
(``text=None`` with the reason), never returned corrupted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from amts.book.placeholders import Masked, mask
from amts.engines.base import Translation
from amts.errors import PlaceholderError

logger = logging.getLogger(__package__)  # one logger name for the whole engine

_OUTPUT_SEGMENT = re.compile(
    r"""<p\b[^>]*?\bid\s*=\s*["']?s(?P<index>\d+)["']?[^>]*>(?P<body>.*?)</p\s*>""",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True)
class Document:
    """One input document of a batch job: segments as ``<p id="s<n>">`` elements."""

    name: str
    entries: tuple[tuple[int, Masked], ...]

    def html(self) -> str:
        body = "\n".join(f'<p id="s{index}">{masked.text}</p>' for index, masked in self.entries)
        return (
            '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n'
            f"<body>\n{body}\n</body>\n</html>\n"
        )


def documents(texts: Sequence[str], max_bytes: int, max_segments: int) -> list[Document]:
    """``texts`` masked and packed in order into documents within both limits."""
    packed: list[Document] = []
    entries: list[tuple[int, Masked]] = []
    size = 0

    def flush() -> None:
        nonlocal entries, size
        if entries:
            packed.append(Document(f"doc-{len(packed):04d}.html", tuple(entries)))
        entries, size = [], 0

    for index, text in enumerate(texts):
        masked = mask(text, id_prefix=f"s{index}p")
        length = len(masked.text.encode("utf-8"))
        if entries and (size + length > max_bytes or len(entries) >= max_segments):
            flush()
        entries.append((index, masked))
        size += length
    flush()
    return packed


def restore_document(
    document: Document, body: str, texts: Sequence[str], job_id: str
) -> dict[str, Translation]:
    """Each segment of ``document`` from the job's translated ``body``, found by its id."""
    found: dict[int, list[str]] = {}
    for match in _OUTPUT_SEGMENT.finditer(body):
        found.setdefault(int(match["index"]), []).append(match["body"])
    results = {}
    for index, masked in document.entries:
        bodies = found.get(index, [])
        if len(bodies) != 1:
            problem = "missing from" if not bodies else f"found {len(bodies)} times in"
            note = f"segment s{index} {problem} {document.name} of job {job_id}"
            results[texts[index]] = Translation(None, "amazon:batch", note=note)
        else:
            results[texts[index]] = restore(masked, bodies[0].strip(), "amazon:batch")
    return results


def restore(masked: Masked, translated: str, origin: str) -> Translation:
    """The translation with its protected spans put back, or flagged if they did not survive."""
    try:
        return Translation(masked.unmask(translated), origin)
    except PlaceholderError as exc:
        logger.warning("%s: flagged: %s", origin, exc)
        return Translation(None, origin, note=str(exc))
