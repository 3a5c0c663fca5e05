"""Terminology and parallel data files as the service reads them: CSV, TSV and TMX.

Both resources are pairs of sentences or terms by language; the first column (or the
TMX ``srclang``) is the source. A file the service would reject is a
:class:`~.protocol.ServiceError` here too, so the engine's error paths can be tested.

A parallel data file is also judged record by record, as the service counts it in
``GetParallelData``: a record with an empty segment, or an empty line, is *skipped*;
one with a segment over the quota of 1,000 UTF-8 bytes, or without exactly one segment
per language, *fails*; the others are imported.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .protocol import ServiceError

Pairs = dict[str, dict[str, str]]  # target language → source text → target text
# (language, segment) pairs, the source first; [] is an empty line, None a malformed record.
Record = list[tuple[str, str]] | None

#: "Maximum size of a single segment or record in a parallel data input file", per segment.
MAX_SEGMENT_BYTES = 1000


@dataclass
class RecordCounts:
    """What an import made of a parallel data file's records, and why the first one failed."""

    imported: int = 0
    skipped: int = 0
    failed: int = 0
    first_failure: str = ""

    def fail(self, why: str) -> None:
        self.failed += 1
        self.first_failure = self.first_failure or why


def parse_pairs(data: bytes, fmt: str, *, what: str) -> tuple[str, Pairs]:
    """Source language and pairs of a CSV/TSV/TMX terminology or parallel data file."""
    source, targets, records = _records(data, fmt, what=what)
    pairs: Pairs = {lang: {} for lang in targets}
    for _, record in records:
        if record:
            pairs_of(record, pairs)
    return source, pairs


def parse_parallel_data(data: bytes, fmt: str, *, what: str) -> tuple[str, Pairs, RecordCounts]:
    """Source language, imported pairs and record counts of a parallel data file."""
    source, targets, records = _records(data, fmt, what=what)
    counts, pairs = RecordCounts(), {lang: {} for lang in targets}
    for number, record in records:
        texts = [text for _, text in record or []]
        if record is None or len(record) == 1:
            counts.fail(f"record {number}: not one segment per language")
        elif not record:
            counts.skipped += 1  # an empty line
        elif any(len(text.encode("utf-8")) > MAX_SEGMENT_BYTES for text in texts):
            counts.fail(f"record {number}: a segment is over {MAX_SEGMENT_BYTES} bytes")
        elif not all(text.strip() for text in texts):
            counts.skipped += 1
        else:
            counts.imported += 1
            pairs_of(record, pairs)
    return source, pairs, counts


def pairs_of(record: list[tuple[str, str]], pairs: Pairs) -> None:
    """Add a record's non-empty (source, target) pairs, one per target language."""
    (_, source), targets = record[0], record[1:]
    for lang, text in targets:
        if source and text:
            pairs.setdefault(lang, {})[source] = text


def _records(
    data: bytes, fmt: str, *, what: str
) -> tuple[str, list[str], list[tuple[int, Record]]]:
    """Source language, target languages, and every record with its number (a line, or
    a ``<tu>``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError("InvalidParameterValueException", f"{what} is not UTF-8") from exc
    if fmt == "TMX":
        return _tmx_records(text, what=what)
    if fmt not in ("CSV", "TSV"):
        raise ServiceError("InvalidParameterValueException", f"unsupported format {fmt!r}")
    rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "CSV" else "\t"))
    filled = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if len(filled) < 2 or len(filled[0][1]) < 2:
        raise ServiceError(
            "InvalidParameterValueException",
            f"{what}: expected a header of language codes and at least one entry",
        )
    header = [cell.strip() for cell in filled[0][1]]
    records: list[tuple[int, Record]] = []
    for number, row in enumerate(rows[filled[0][0] :], start=filled[0][0] + 1):
        if not any(cell.strip() for cell in row):
            records.append((number, []))
        elif len(row) != len(header):
            records.append((number, None))
        else:
            records.append((number, list(zip(header, row, strict=True))))
    return header[0], header[1:], records


def _tmx_records(text: str, *, what: str) -> tuple[str, list[str], list[tuple[int, Record]]]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ServiceError("InvalidParameterValueException", f"{what}: bad TMX: {exc}") from exc
    lang_key = "{http://www.w3.org/XML/1998/namespace}lang"
    header = root.find("header")
    source = header.get("srclang", "") if header is not None else ""
    records: list[tuple[int, Record]] = []
    for number, tu in enumerate(root.iter("tu"), start=1):
        segs = {
            (tuv.get(lang_key) or tuv.get("lang") or ""): "".join(tuv.find("seg").itertext())
            for tuv in tu.iter("tuv")
            if tuv.find("seg") is not None
        }
        if not source and segs:
            source = next(iter(segs))
        if source not in segs:
            records.append((number, None))
            continue
        others = [(lang, seg) for lang, seg in segs.items() if lang != source]
        records.append((number, [(source, segs[source]), *others]))
    targets = sorted({lang for _, record in records for lang, _ in record or []} - {source})
    return source, targets, records
