"""Terminology and parallel data files as the service reads them: CSV, TSV and TMX.

Both resources are pairs of sentences or terms by language; the first column (or the
TMX ``srclang``) is the source. A file the service would reject is a
:class:`~.protocol.ServiceError` here too, so the engine's error paths can be tested.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from .protocol import ServiceError

Pairs = dict[str, dict[str, str]]  # target language → source text → target text


def parse_pairs(data: bytes, fmt: str, *, what: str) -> tuple[str, Pairs]:
    """Source language and pairs of a CSV/TSV/TMX terminology or parallel data file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError("InvalidParameterValueException", f"{what} is not UTF-8") from exc
    if fmt == "TMX":
        return _parse_tmx(text, what=what)
    if fmt not in ("CSV", "TSV"):
        raise ServiceError("InvalidParameterValueException", f"unsupported format {fmt!r}")
    rows = [row for row in csv.reader(io.StringIO(text), delimiter="," if fmt == "CSV" else "\t")]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ServiceError(
            "InvalidParameterValueException",
            f"{what}: expected a header of language codes and at least one entry",
        )
    header = [cell.strip() for cell in rows[0]]
    pairs: Pairs = {lang: {} for lang in header[1:]}
    for row in rows[1:]:
        for lang, cell in zip(header[1:], row[1:], strict=False):
            if row[0] and cell:
                pairs[lang][row[0]] = cell
    return header[0], pairs


def _parse_tmx(text: str, *, what: str) -> tuple[str, Pairs]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ServiceError("InvalidParameterValueException", f"{what}: bad TMX: {exc}") from exc
    lang_key = "{http://www.w3.org/XML/1998/namespace}lang"
    header = root.find("header")
    source = header.get("srclang", "") if header is not None else ""
    pairs: Pairs = {}
    for tu in root.iter("tu"):
        segs = {
            (tuv.get(lang_key) or tuv.get("lang") or ""): "".join(tuv.find("seg").itertext())
            for tuv in tu.iter("tuv")
            if tuv.find("seg") is not None
        }
        if not source and segs:
            source = next(iter(segs))
        for lang, seg in segs.items():
            if lang != source and source in segs:
                pairs.setdefault(lang, {})[segs[source]] = seg
    return source, pairs
