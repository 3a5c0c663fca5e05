"""Parallel data files as Amazon Translate's CreateParallelData reads them: TSV, CSV, TMX 1.4."""

from __future__ import annotations

import csv
import io
import os
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from amts.corpus import formats
from amts.errors import InputError
from amts.files import atomic_output

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Pairs that break naive writers: delimiters, quotes, markup characters, CJK.
TRICKY = [
    ("Hello, world", "你好，世界"),
    ('She said "hi"', '她说"嗨"'),
    ('"Stopping" an instance', "“Stopping”（停止）实例"),
    ("if a < b & c > d", "若 a < b & c > d"),
    ("张量", "张量是数组。"),
]


def test_tsv_rendering() -> None:
    """TSV: a header of language codes, then one unquoted pair per line."""
    assert formats.render(TRICKY, "tsv", "en", "zh") == (
        "en\tzh\n"
        "Hello, world\t你好，世界\n"
        'She said "hi"\t她说"嗨"\n'
        '"Stopping" an instance\t“Stopping”（停止）实例\n'
        "if a < b & c > d\t若 a < b & c > d\n"
        "张量\t张量是数组。\n"
    )


def test_csv_rendering() -> None:
    """CSV: fields holding a comma or a double quote are quoted, inner quotes doubled."""
    assert formats.render(TRICKY, "csv", "en", "zh") == (
        "en,zh\n"
        '"Hello, world",你好，世界\n'
        '"She said ""hi""","她说""嗨"""\n'
        '"""Stopping"" an instance",“Stopping”（停止）实例\n'
        "if a < b & c > d,若 a < b & c > d\n"
        "张量,张量是数组。\n"
    )


def test_csv_parses_back_with_the_csv_module() -> None:
    rows = list(csv.reader(io.StringIO(formats.render(TRICKY, "csv", "en", "zh"))))
    assert rows[0] == ["en", "zh"]
    assert [tuple(row) for row in rows[1:]] == TRICKY


def test_tmx_rendering_escapes_markup() -> None:
    text = formats.render(TRICKY, "tmx", "en", "zh")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    assert "<seg>if a &lt; b &amp; c &gt; d</seg>" in text
    assert "<seg>若 a &lt; b &amp; c &gt; d</seg>" in text
    assert "<seg>张量是数组。</seg>" in text


def test_tmx_parses_as_tmx_1_4() -> None:
    """Well-formed XML; version 1.4; srclang in the header; each <tu> holds two <tuv><seg>."""
    root = ElementTree.fromstring(formats.render(TRICKY, "tmx", "en", "zh").encode("utf-8"))
    assert root.tag == "tmx"
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert header.get("srclang") == "en"
    # TMX 1.4 requires these header attributes.
    for attribute in ("creationtool", "segtype", "o-tmf", "adminlang", "datatype"):
        assert header.get(attribute), attribute
    units = root.findall("body/tu")
    assert len(units) == 5
    got = []
    for unit in units:
        variants = unit.findall("tuv")
        assert [v.get(XML_LANG) for v in variants] == ["en", "zh"]
        got.append(tuple(v.findtext("seg") for v in variants))
    assert got == TRICKY


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        pytest.param("tsv", "pt\tes\n", id="tsv"),
        pytest.param("csv", "pt,es\n", id="csv"),
    ],
)
def test_header_line_is_the_language_codes(fmt: str, header: str) -> None:
    text = formats.render([("Olá", "Hola")], fmt, "pt", "es")
    assert text.splitlines(keepends=True)[0] == header


def test_empty_corpus_is_still_a_valid_file() -> None:
    assert formats.render([], "tsv", "en", "zh") == "en\tzh\n"
    root = ElementTree.fromstring(formats.render([], "tmx", "en", "zh"))
    assert root.findall("body/tu") == []


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tmx"])
def test_read_pairs_round_trip(tmp_path: Path, fmt: str) -> None:
    """What render writes, read_pairs reads back unchanged (a leading '"' in TSV included)."""
    path = tmp_path / f"pd.{fmt}"
    path.write_text(formats.render(TRICKY, fmt, "en", "zh"), encoding="utf-8", newline="")
    assert formats.read_pairs(path) == ("en", "zh", TRICKY)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "expected a header line", id="empty"),
        pytest.param(b"en zh\nHello\tHallo\n", "expected a header line", id="header-without-tab"),
        pytest.param(b"en\tzh\nHello\n", "pd.tsv:2: expected 2 columns, found 1", id="one-column"),
        pytest.param(b"en\tzh\ncaf\xe9\tcaf\xe9\n", "not UTF-8", id="latin-1"),
    ],
)
def test_read_pairs_rejects_malformed_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "pd.tsv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        formats.read_pairs(path)


def test_read_pairs_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.tsv: parallel data file not found"):
        formats.read_pairs(tmp_path / "absent.tsv")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        pytest.param("abc", 3, id="ascii"),
        pytest.param("张量", 6, id="cjk-3-bytes-each"),
        pytest.param("näive", 6, id="latin-2-bytes"),
        pytest.param("好 🙂", 8, id="emoji-4-bytes"),
        pytest.param("", 0, id="empty"),
    ],
)
def test_segment_bytes_counts_utf8(text: str, size: int) -> None:
    assert formats.segment_bytes(text) == size


@pytest.mark.parametrize(
    ("source", "target", "size"),
    [
        pytest.param("tensor", "张量", 6, id="equal-sides"),
        pytest.param("café", "咖啡馆", 9, id="target-larger"),
        pytest.param("a" * 900, "中" * 300, 900, id="900-each-not-1800"),
    ],
)
def test_the_quota_is_checked_against_the_larger_segment(
    source: str, target: str, size: int
) -> None:
    """Amazon's 1,000-byte quota is per segment: a record is as large as its larger side."""
    assert formats.largest_segment_bytes(source, target) == size


@pytest.mark.parametrize(
    ("name", "default", "expected"),
    [
        pytest.param("pd.tmx", "tsv", "tmx", id="tmx"),
        pytest.param("pd.csv", "tsv", "csv", id="csv"),
        pytest.param("out/pd.tsv", "csv", "tsv", id="tsv-in-dir"),
        pytest.param("PD.TMX", "tsv", "tmx", id="upper-case"),
        pytest.param("pd.txt", "tsv", "tsv", id="unknown-suffix"),
        pytest.param("pd.txt", "csv", "csv", id="unknown-suffix-other-default"),
        pytest.param("pd", "tsv", "tsv", id="no-suffix"),
        pytest.param("pd.tmx.gz", "tsv", "tsv", id="compressed"),
    ],
)
def test_format_for(name: str, default: str, expected: str) -> None:
    assert formats.format_for(name, default) == expected


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(InputError, match="unknown format 'xlsx'; choose one of: tsv, csv, tmx"):
        formats.writer("xlsx")


def test_atomic_output_writes_utf8_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "pd.tsv"
    with atomic_output(path) as out:
        out.write("en\tzh\n张量\tTensor\n")
    assert path.read_bytes() == "en\tzh\n张量\tTensor\n".encode()
    assert sorted(p.name for p in path.parent.iterdir()) == ["pd.tsv"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_atomic_output_gets_the_mode_of_a_plainly_created_file(tmp_path: Path) -> None:
    """The temporary file is private (0600); the finished output must not be."""
    old = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "pd.tsv") as out:
            out.write("en\tzh\n")
    finally:
        os.umask(old)
    assert (tmp_path / "pd.tsv").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(RuntimeError("alignment failed"), id="error"),
        pytest.param(KeyboardInterrupt(), id="interrupted"),
    ],
)
def test_atomic_output_discards_a_failed_write(tmp_path: Path, error: BaseException) -> None:
    """No output and no temporary file when the body raises, even on Ctrl-C."""
    path = tmp_path / "pd.tsv"
    with pytest.raises(type(error)), atomic_output(path) as out:
        out.write("en\tzh\nhalf a corpus")
        raise error
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_keeps_the_previous_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "pd.tsv"
    path.write_text("en\tzh\nold\t旧\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(path) as out:
        out.write("en\tzh\n")
        raise RuntimeError("disk full")
    assert path.read_text(encoding="utf-8") == "en\tzh\nold\t旧\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pd.tsv"]
