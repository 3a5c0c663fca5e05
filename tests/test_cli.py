"""The ``amts`` command line, run for real: in-process through CliRunner for file content,
and as the installed script where stderr, exit status or a terminal matter."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.cli import main

# As in conftest.py; not imported from it: tests/engines has a conftest module too.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "book"
ZH_BASICS = EXAMPLES / "zh" / "chapter_basics"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

INDEX_SENTENCES = (
    "Basics\t基础知识\n"
    "This chapter introduces the tools we use throughout the book.\t本章介绍全书使用的工具。\n"
    "We start with tensors, the data structure every model is built on, "
    "and then look at how a model learns from data.\t"
    "我们从张量（tensor）开始，它是构建每个模型的数据结构， 然后了解模型如何从数据中学习。\n"
)
INDEX_PARAGRAPHS = (
    "Basics\t基础知识\n"
    "This chapter introduces the tools we use throughout the book. "
    "We start with tensors, the data structure every model is built on, "
    "and then look at how a model learns from data.\t"
    "本章介绍全书使用的工具。 "
    "我们从张量（tensor）开始，它是构建每个模型的数据结构， 然后了解模型如何从数据中学习。\n"
)


def _amts_script() -> str | None:
    found = shutil.which("amts")
    if found:
        return found
    beside = Path(sys.executable).with_name("amts")
    return str(beside) if beside.exists() else None


AMTS = _amts_script()
needs_script = pytest.mark.skipif(AMTS is None, reason="the amts console script is not installed")


def run_amts(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed script, as a user runs it: its own stderr and exit status."""
    assert AMTS is not None
    return subprocess.run(
        [AMTS, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
        timeout=300,
    )


def invoke(*args: str | Path) -> str:
    """Run a command in-process and return its stdout; it must succeed."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def parallel_data(*args: str | Path) -> list[str | Path]:
    """``amts parallel-data`` over the examples book."""
    return [
        "parallel-data",
        "--source-repo",
        EXAMPLES / "en",
        "--target-repo",
        EXAMPLES / "zh",
        "--tgt-lang",
        "zh",
        *args,
    ]


def long_paragraphs(count: int) -> tuple[str, str]:
    """English and Chinese paragraphs of ``count`` sentence pairs: an English sentence is
    47 bytes (48 from number 10 on), a Chinese one 43 (44)."""
    english = " ".join(f"Sentence number {i} says something about tensors." for i in range(count))
    chinese = "".join(f"第{i}句话讲的是张量的一些事情。" for i in range(count))
    return english, chinese


def long_section(root: Path, count: int) -> Path:
    """A d2l-zh style repository of one section: a heading and one paragraph pair."""
    english, chinese = long_paragraphs(count)
    write(root / "zh" / "long_origin.md", f"# Long\n\n{english}\n")
    write(root / "zh" / "long.md", f"# 长\n\n{chinese}\n")
    return root / "zh"


# --- amts align -----------------------------------------------------------------------------


def test_align_sentence_level() -> None:
    """One pair per line; the label, the toc code block and nothing else unpaired is written."""
    out = invoke("align", ZH_BASICS / "index_origin.md", ZH_BASICS / "index.md", "--tgt-lang", "zh")
    assert out == INDEX_SENTENCES


def test_align_paragraph_level() -> None:
    """A paragraph's line breaks become single spaces."""
    out = invoke(
        "align",
        ZH_BASICS / "index_origin.md",
        ZH_BASICS / "index.md",
        "--src-lang",
        "en",
        "--tgt-lang",
        "zh",
        "--level",
        "paragraph",
        "--format",
        "tsv",
    )
    assert out == INDEX_PARAGRAPHS


def test_align_paragraph_level_writes_a_long_paragraph_whole(tmp_path: Path) -> None:
    """The alignment, not Amazon-sized records: a 1,530 + 1,338 byte paragraph pair is one
    line, although parallel data would split it."""
    zh = long_section(tmp_path, 30)
    english, chinese = long_paragraphs(30)
    assert len(english.encode()) > 1000 and len(chinese.encode()) > 1000
    out = invoke(
        "align", zh / "long_origin.md", zh / "long.md", "--tgt-lang", "zh", "--level", "paragraph"
    )
    assert out == f"Long\t长\n{english}\t{chinese}\n"


@pytest.mark.parametrize(
    ("level", "line"),
    [
        pytest.param("sentence", "Tensors\t张量", id="sentence-heading"),
        pytest.param(
            "sentence",
            "To create a tensor, we call `arange`.\t要创建张量，我们调用`arange`。",
            id="sentence-inline-code",
        ),
        pytest.param(
            "sentence",
            "What happens when you add a vector to a matrix?\t把向量加到矩阵上会发生什么？",
            id="sentence-list-item",
        ),
        pytest.param(
            "paragraph",
            "We can check the number of elements with `numel`. "
            "The shape is available as an attribute.\t"
            "我们可以用`numel`检查元素的数量。 形状可以通过属性获得。",
            id="paragraph-two-sentences",
        ),
        pytest.param(
            "paragraph",
            "In PyTorch, broadcasting follows the rules of NumPy :cite:`Harris.2020`.\t"
            "在PyTorch中，广播遵循NumPy的规则 :cite:`Harris.2020`。",
            id="paragraph-inside-tab",
        ),
    ],
)
def test_align_tensors(level: str, line: str) -> None:
    out = invoke(
        "align",
        ZH_BASICS / "tensors_origin.md",
        ZH_BASICS / "tensors.md",
        "--tgt-lang",
        "zh",
        "--level",
        level,
    )
    lines = out.splitlines()
    assert line in lines
    assert all(row.count("\t") == 1 for row in lines)
    assert not any("import torch" in row or "x.numel()" in row for row in lines)


def test_align_writes_the_output_file(tmp_path: Path) -> None:
    output = tmp_path / "new" / "index.tsv"
    out = invoke(
        "align",
        ZH_BASICS / "index_origin.md",
        ZH_BASICS / "index.md",
        "--tgt-lang",
        "zh",
        "-o",
        output,
    )
    assert out == ""
    assert output.read_bytes() == INDEX_SENTENCES.encode("utf-8")


def test_align_leaves_out_units_without_counterpart(tmp_path: Path) -> None:
    """The heading nobody translated has no line of its own."""
    source = write(
        tmp_path / "setup_origin.md",
        "# Setup\n\nFirst we import `numpy` and check its version.\n\n"
        "## Notes Nobody Translated\n\nFinally we call `matplotlib` to draw the figure.\n",
    )
    target = write(
        tmp_path / "setup.md",
        "# 设置\n\n首先我们导入`numpy`并检查它的版本。\n\n最后我们调用`matplotlib`来画图。\n",
    )
    assert invoke("align", source, target, "--tgt-lang", "zh") == (
        "Setup\t设置\n"
        "First we import `numpy` and check its version.\t首先我们导入`numpy`并检查它的版本。\n"
        "Finally we call `matplotlib` to draw the figure.\t最后我们调用`matplotlib`来画图。\n"
    )


def test_align_tabs_inside_a_unit_become_spaces(tmp_path: Path) -> None:
    source = write(tmp_path / "a_origin.md", "Columns\tare separated\tby tabs.\n")
    target = write(tmp_path / "a.md", "列\t由制表符\t分隔。\n")
    out = invoke("align", source, target, "--tgt-lang", "zh")
    assert out == "Columns are separated by tabs.\t列 由制表符 分隔。\n"


def test_align_with_confidence_adds_a_third_column() -> None:
    out = invoke(
        "align",
        ZH_BASICS / "index_origin.md",
        ZH_BASICS / "index.md",
        "--tgt-lang",
        "zh",
        "--with-confidence",
    )
    rows = [line.split("\t") for line in out.splitlines()]
    assert [row[:2] for row in rows] == [line.split("\t") for line in INDEX_SENTENCES.splitlines()]
    for row in rows:
        assert len(row) == 3
        assert 0.0 <= float(row[2]) <= 1.0
        assert len(row[2]) == 5  # three decimals: "0.998"


def bad_inputs() -> list:
    """(file name, content, reason) of inputs ``align`` refuses; ``None``: no file at all."""
    return [
        pytest.param("latin.md", b"# Caf\xe9\n\nUn caf\xe9 noir.\n", "not UTF-8", id="latin-1"),
        pytest.param(
            "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", id="binary"
        ),
        pytest.param("empty.md", b"", "file is empty", id="empty"),
        pytest.param("blank.md", b"\n  \n", "file is empty", id="whitespace-only"),
        pytest.param(
            "fence.md",
            "# 代码\n\n```python\nx = 1\n".encode(),
            "is never closed",
            id="unclosed-fence",
        ),
        pytest.param("missing.md", None, "file not found", id="missing-translation"),
    ]


@needs_script
@pytest.mark.parametrize(("name", "content", "reason"), bad_inputs())
def test_align_bad_input_fails_cleanly(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    """Exit status 2, one line naming the file, no traceback, no output file."""
    source = write(tmp_path / "good_origin.md", "# Code\n\nSome words.\n")
    target = tmp_path / name
    if content is not None:
        target.write_bytes(content)
    output = tmp_path / "pairs.tsv"
    result = run_amts("align", source, target, "--tgt-lang", "zh", "-o", output)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {target}")
    assert reason in line
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        {"good_origin.md", name} - {"missing.md"}
    )


@needs_script
def test_align_bad_input_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    output = write(tmp_path / "pairs.tsv", "Old\t旧\n")
    source = write(tmp_path / "empty_origin.md", b"")
    result = run_amts("align", source, ZH_BASICS / "index.md", "--tgt-lang", "zh", "-o", output)
    assert result.returncode == 2
    assert result.stderr == f"Error: {source}: file is empty\n"
    assert output.read_text(encoding="utf-8") == "Old\t旧\n"


# --- amts parallel-data -------------------------------------------------------------------------


def test_parallel_data_tsv(tmp_path: Path) -> None:
    output = tmp_path / "pd.tsv"
    invoke(*parallel_data("-o", output))
    lines = output.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "en\tzh"
    assert lines[-1] == ""  # the file ends with a line break
    rows = lines[1:-1]
    assert len(rows) == 25
    assert all(row.count("\t") == 1 for row in rows)
    assert INDEX_SENTENCES.splitlines()[2] in rows
    assert (
        "Elementwise operations keep the shape of their inputs.\t按元素运算保持输入的形状。" in rows
    )


def pd_lines(repo: Path, output: Path, *args: str) -> list[str]:
    """``amts parallel-data --level paragraph`` over one made-up repository: its records."""
    invoke(
        "parallel-data",
        "--source-repo",
        repo,
        "--target-repo",
        repo,
        "--tgt-lang",
        "zh",
        "--level",
        "paragraph",
        *args,
        "-o",
        output,
    )
    return output.read_text(encoding="utf-8").splitlines()[1:]


def test_parallel_data_keeps_a_paragraph_whose_sides_each_fit(tmp_path: Path) -> None:
    """Amazon's 1,000-byte quota is per segment: 920 + 826 bytes is one record."""
    english, chinese = long_paragraphs(19)
    rows = pd_lines(long_section(tmp_path, 19), tmp_path / "pd.tsv")
    assert rows == ["Long\t长", f"{english}\t{chinese}"]


def test_parallel_data_splits_a_paragraph_with_a_side_over_the_limit(tmp_path: Path) -> None:
    """1,530 bytes of English: two records, cut between sentences 19 and 20."""
    english, chinese = long_paragraphs(30)
    rows = pd_lines(long_section(tmp_path, 30), tmp_path / "pd.tsv")
    first, second = (row.split("\t") for row in rows[1:])
    assert len(rows) == 3
    assert first[0].endswith("number 19 says something about tensors.")
    assert second[0].startswith("Sentence number 20 ") and second[1].startswith("第20句")
    assert f"{first[0]} {second[0]}" == english and first[1] + second[1] == chinese
    assert all(len(side.encode()) <= 1000 for side in first + second)


@pytest.mark.parametrize(
    ("limit", "records"),
    [pytest.param("500", 3, id="500-splits"), pytest.param("2000", 2, id="2000-whole")],
)
def test_parallel_data_max_segment_bytes_sets_the_limit(
    tmp_path: Path, limit: str, records: int
) -> None:
    """920 + 826 bytes: split under a 500-byte limit (479 | 440 bytes of English)."""
    rows = pd_lines(long_section(tmp_path, 19), tmp_path / "pd.tsv", "--max-segment-bytes", limit)
    assert len(rows) == records
    assert all(len(side.encode()) <= int(limit) for row in rows for side in row.split("\t"))


@needs_script
@pytest.mark.parametrize("limit", ["0", "-5", "lots"])
def test_parallel_data_refuses_a_bad_max_segment_bytes(tmp_path: Path, limit: str) -> None:
    output = tmp_path / "pd.tsv"
    result = run_amts(*parallel_data("--max-segment-bytes", limit, "-o", output))
    assert result.returncode == 2
    last = result.stderr.splitlines()[-1]
    assert last.startswith("Error: Invalid value for '--max-segment-bytes': ")
    assert f"{limit}" in last
    assert "Traceback" not in result.stderr
    assert not output.exists()


@needs_script
def test_parallel_data_summary_counts_split_paragraphs(tmp_path: Path) -> None:
    output = tmp_path / "pd.tsv"
    zh = long_section(tmp_path, 30)
    result = run_amts(
        "parallel-data",
        "--source-repo",
        zh,
        "--target-repo",
        zh,
        "--tgt-lang",
        "zh",
        "--level",
        "paragraph",
        "--max-segment-bytes",
        "800",
        "-o",
        output,
    )
    assert result.returncode == 0, result.stderr
    assert "paragraphs split at sentence boundaries (a segment over 800 bytes): 1" in (
        result.stderr.splitlines()
    )


def test_parallel_data_csv(tmp_path: Path) -> None:
    """A field with commas is quoted; the file parses back with the csv module."""
    output = tmp_path / "pd.csv"
    invoke(*parallel_data("--format", "csv", "-o", output))
    text = output.read_text(encoding="utf-8")
    assert text.startswith("en,zh\nBasics,基础知识\n")
    assert (
        '\n"We start with tensors, the data structure every model is built on, '
        'and then look at how a model learns from data.",'
        "我们从张量（tensor）开始，它是构建每个模型的数据结构， 然后了解模型如何从数据中学习。\n"
    ) in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["en", "zh"]
    assert len(rows) == 26
    assert all(len(row) == 2 for row in rows)
    assert [
        "A vector has one axis, e.g., a list of prices, and a matrix has two axes.",
        "向量有一个轴，例如一组价格， 矩阵有两个轴。",
    ] in rows


def test_parallel_data_tmx(tmp_path: Path) -> None:
    output = tmp_path / "pd.tmx"
    invoke(*parallel_data("--level", "paragraph", "-o", output))
    root = ElementTree.parse(output).getroot()
    assert root.tag == "tmx"
    assert root.get("version") == "1.4"
    assert root.find("header").get("srclang") == "en"
    units = root.findall("body/tu")
    assert len(units) == 18
    pairs = []
    for unit in units:
        variants = unit.findall("tuv")
        assert [v.get(XML_LANG) for v in variants] == ["en", "zh"]
        pairs.append(tuple(v.findtext("seg") for v in variants))
    assert ("Operations", "运算") in pairs
    assert (
        "We can check the number of elements with `numel`. The shape is available as an attribute.",
        "我们可以用`numel`检查元素的数量。 形状可以通过属性获得。",
    ) in pairs


def test_parallel_data_tmx_survives_control_characters(tmp_path: Path) -> None:
    """A form feed or U+2028 in the markdown must not make the TMX ill-formed XML."""
    zh = tmp_path / "zh"
    write(zh / "odd_origin.md", "A form\x0cfeed and a line\u2028separator & <tag>.\n")
    write(zh / "odd.md", "换页\x0c符和行\u2028分隔符 & <tag>。\n")
    output = tmp_path / "pd.tmx"
    invoke(
        "parallel-data",
        "--source-repo",
        tmp_path,
        "--target-repo",
        zh,
        "--tgt-lang",
        "zh",
        "-o",
        output,
    )
    root = ElementTree.parse(output).getroot()
    assert [[v.findtext("seg") for v in tu.findall("tuv")] for tu in root.iter("tu")] == [
        ["A form feed and a line separator & <tag>.", "换页 符和行 分隔符 & <tag>。"]
    ]


def test_parallel_data_format_option_wins_over_the_suffix(tmp_path: Path) -> None:
    output = tmp_path / "pd.txt"
    invoke(*parallel_data("--format", "tmx", "-o", output))
    assert output.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_parallel_data_without_format_or_known_suffix_is_tsv(tmp_path: Path) -> None:
    output = tmp_path / "pd.txt"
    invoke(*parallel_data("-o", output))
    assert output.read_text(encoding="utf-8").startswith("en\tzh\nBasics\t基础知识\n")


def test_parallel_data_map_pairs_a_renamed_file(tmp_path: Path) -> None:
    """d2l-pt layout: same paths, and ``--map`` for the file the translation renamed."""
    en, pt = tmp_path / "en", tmp_path / "pt"
    write(en / "intro.md", "# Introduction\n\nDeep learning is popular.\n")
    write(pt / "intro.md", "# Introdução\n\nO aprendizado profundo é popular.\n")
    write(en / "old-name.md", "# Linear Regression\n")
    write(pt / "regressao.md", "# Regressão Linear\n")
    output = tmp_path / "pd.tsv"
    args = ["--source-repo", en, "--target-repo", pt, "--tgt-lang", "pt", "-o", output]
    invoke("parallel-data", *args, "--map", "old-name.md=regressao.md")
    assert output.read_text(encoding="utf-8") == (
        "en\tpt\n"
        "Introduction\tIntrodução\n"
        "Deep learning is popular.\tO aprendizado profundo é popular.\n"
        "Linear Regression\tRegressão Linear\n"
    )


@needs_script
@pytest.mark.parametrize(
    ("level", "written"),
    [pytest.param("sentence", 25, id="sentence"), pytest.param("paragraph", 18, id="paragraph")],
)
def test_parallel_data_summary_on_stderr(tmp_path: Path, level: str, written: int) -> None:
    """Not a terminal: the summary only, no progress bar."""
    output = tmp_path / "pd.tsv"
    result = run_amts(*parallel_data("--level", level, "-o", output))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "files paired: 2",
        f"pairs written: {written}",
        f"wrote {output}",
    ]


@needs_script
def test_parallel_data_summary_counts_skips_by_reason(tmp_path: Path) -> None:
    zh = tmp_path / "zh"
    write(zh / "a_origin.md", "The model learns.\n\n`x.shape`\n")
    write(zh / "a.md", "模型在学习。\n\n`x.shape`\n")
    write(zh / "b_origin.md", "The model learns.\n\nIt learns fast.\n")
    write(zh / "b.md", "模型在学习。\n\n它学得很快。\n")
    write(zh / "c_origin.md", "Untranslated.\n")
    output = tmp_path / "pd.tsv"
    result = run_amts(
        "parallel-data",
        "--source-repo",
        tmp_path,
        "--target-repo",
        zh,
        "--tgt-lang",
        "zh",
        "-o",
        output,
    )
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "files paired: 2",
        "pairs written: 2",
        "skipped (code or math only): 1",
        "skipped (duplicate): 1",
        "skipped (missing translation): 1",
        f"error: {zh / 'c.md'}: missing translation of c_origin.md",
        f"wrote {output}",
    ]
    assert output.read_text(encoding="utf-8") == (
        "en\tzh\nThe model learns.\t模型在学习。\nIt learns fast.\t它学得很快。\n"
    )


@needs_script
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_parallel_data_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            [AMTS, *map(str, parallel_data("-o", tmp_path / "pd.tsv"))],
            stdout=subprocess.DEVNULL,
            stderr=slave,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=60) == 0
    seen = b"".join(chunks).decode("utf-8")
    assert "aligning" in seen
    assert "100%" in seen
    assert "files paired: 2" in seen


@needs_script
def test_parallel_data_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    zh = tmp_path / "zh"
    write(zh / "good_origin.md", "The cat sat on the mat.\n")
    write(zh / "good.md", "猫坐在垫子上。\n")
    write(zh / "latin_origin.md", "A coffee.\n")
    latin = write(zh / "latin.md", b"Un caf\xe9.\n")
    output = tmp_path / "pd.tsv"
    result = run_amts(
        "parallel-data",
        "--source-repo",
        tmp_path,
        "--target-repo",
        zh,
        "--tgt-lang",
        "zh",
        "-o",
        output,
    )
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {latin}: not UTF-8 (invalid continuation byte at byte 6); re-save it as UTF-8"
    ]
    assert "skipped (unreadable file): 1" in result.stderr.splitlines()
    assert output.read_text(encoding="utf-8") == "en\tzh\nThe cat sat on the mat.\t猫坐在垫子上。\n"


@needs_script
def test_parallel_data_keeps_the_old_output_when_every_file_fails(tmp_path: Path) -> None:
    """An empty corpus must not replace a good one."""
    zh = tmp_path / "zh"
    write(zh / "a_origin.md", "One.\n")
    write(zh / "a.md", b"")
    output = write(tmp_path / "pd.tsv", "en\tzh\nOld\t旧\n")
    result = run_amts(
        "parallel-data",
        "--source-repo",
        tmp_path,
        "--target-repo",
        zh,
        "--tgt-lang",
        "zh",
        "-o",
        output,
    )
    assert result.returncode == 2
    assert f"error: {zh / 'a.md'}: file is empty" in result.stderr.splitlines()
    assert result.stderr.splitlines()[-1] == (
        f"Error: no file pair could be aligned; {output} was not written"
    )
    assert output.read_text(encoding="utf-8") == "en\tzh\nOld\t旧\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pd.tsv", "zh"]


@needs_script
@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        pytest.param(
            "no-such-dir",
            "zh",
            "Error: {repos}/no-such-dir: source repository is not a directory",
            id="missing-source-repo",
        ),
        pytest.param(
            "en",
            "empty",
            "Error: no file pairs found in {repos}/en and {repos}/empty",
            id="nothing-to-pair",
        ),
    ],
)
def test_parallel_data_failure_leaves_no_output(
    tmp_path: Path, source: str, target: str, message: str
) -> None:
    repos = tmp_path / "repos"
    write(repos / "en" / "index.md", "# Basics\n")
    write(repos / "zh" / "index_origin.md", "# Basics\n")
    write(repos / "zh" / "index.md", "# 基础知识\n")
    (repos / "empty").mkdir()
    out = tmp_path / "out"
    kept = write(out / "kept.tsv", "en\tzh\nOld\t旧\n")
    for output in (out / "pd.tsv", kept):
        result = run_amts(
            "parallel-data",
            "--source-repo",
            repos / source,
            "--target-repo",
            repos / target,
            "--tgt-lang",
            "zh",
            "-o",
            output,
        )
        assert result.returncode == 2
        assert result.stderr == message.format(repos=repos) + "\n"
    assert kept.read_text(encoding="utf-8") == "en\tzh\nOld\t旧\n"
    assert [p.name for p in out.iterdir()] == ["kept.tsv"]


@needs_script
@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param("old.md", id="no-equals"),
        pytest.param("=new.md", id="no-source"),
        pytest.param("old.md=", id="no-target"),
    ],
)
def test_map_parse_error(tmp_path: Path, mapping: str) -> None:
    output = tmp_path / "pd.tsv"
    result = run_amts(*parallel_data("--map", mapping, "-o", output))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --map: expected SRC=TGT, got '{mapping}'"
    )
    assert "Traceback" not in result.stderr
    assert not output.exists()


@needs_script
def test_version() -> None:
    result = run_amts("--version")
    assert result.returncode == 0
    assert result.stdout == "amts, version 0.1.0\n"
