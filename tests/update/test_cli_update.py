"""`amts update-file` through the real CLI: outputs, reports, and bad input that loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "book"
OLD_EN = EXAMPLES / "zh" / "chapter_basics" / "tensors_origin.md"
NEW_EN = EXAMPLES / "en-next" / "chapter_basics" / "tensors.md"
OLD_ZH = EXAMPLES / "zh" / "chapter_basics" / "tensors.md"
PREVIOUS = "an older translation that must survive a failed run\n"


def run(*args: str | Path):
    return CliRunner().invoke(main, ["update-file", *map(str, args)])


def test_update_file_writes_translation_and_both_reports(tmp_path: Path):
    """The translation, the JSON report and its markdown rendering beside it."""
    out, report = tmp_path / "tensors.md", tmp_path / "report.json"
    result = run(
        "--old-source", OLD_EN, "--new-source", NEW_EN, "--old-target", OLD_ZH,
        "--tgt-lang", "zh", "-o", out, "--report", report,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "我们用$\\mathbf{x} \\in \\mathbb{R}^d$表示长度为$d$的向量。" in out.read_text()
    data = json.loads(report.read_text())
    assert data["engine"] == "memory" and data["changes"]
    assert (tmp_path / "report.md").read_text().startswith("## AMTS translation update")
    assert "blocks changed" in result.stderr


def test_report_never_overwrites_the_translation(tmp_path: Path):
    """`--report x.json -o x.md`: the markdown report goes to x.json.md, not over x.md."""
    out, report = tmp_path / "x.md", tmp_path / "x.json"
    result = run(
        "--old-source", OLD_EN, "--new-source", NEW_EN, "--old-target", OLD_ZH,
        "--tgt-lang", "zh", "-o", out, "--report", report,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# 张量")
    assert (tmp_path / "x.json.md").read_text().startswith("## AMTS translation update")


def _bad(tmp_path: Path, case: str) -> list[str | Path]:
    args: dict[str, str | Path] = {
        "--old-source": OLD_EN, "--new-source": NEW_EN, "--old-target": OLD_ZH,
        "--tgt-lang": "zh",
    }  # fmt: skip
    extra: list[str | Path] = []
    if case == "missing target":
        args["--old-target"] = tmp_path / "gone.md"
    elif case == "unclosed fence":
        broken = tmp_path / "broken.md"
        broken.write_text(NEW_EN.read_text() + "\n```python\nx = 1\n", encoding="utf-8")
        args["--new-source"] = broken
    elif case == "other text":
        other = tmp_path / "other.md"
        other.write_text("# 别的\n\n完全不同的文字。\n\n另一段完全不同的文字。\n", encoding="utf-8")
        args["--old-target"] = other
    elif case == "unknown language":
        args["--tgt-lang"] = "xx"
    elif case == "missing parallel data":
        extra = ["--parallel-data", tmp_path / "nowhere.tsv"]
    elif case == "latin-1 source":
        latin = tmp_path / "latin.md"
        latin.write_bytes("# Caf\u00e9\n".encode("latin-1"))
        args["--old-source"] = latin
    return [item for pair in args.items() for item in pair] + extra


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param("missing target", "gone.md: markdown file not found", id="deleted target"),
        pytest.param("unclosed fence", "broken.md:", id="malformed markdown"),
        pytest.param("other text", "does not follow its English", id="target of another text"),
        pytest.param("unknown language", "xx", id="unknown language code"),
        pytest.param("missing parallel data", "nowhere.tsv", id="missing parallel data"),
        pytest.param("latin-1 source", "latin.md: not UTF-8", id="not UTF-8"),
    ],
)
def test_bad_input_is_one_clear_line_and_loses_nothing(tmp_path: Path, case: str, message: str):
    """Exit status 2, one line naming the problem, the output file left as it was."""
    out = tmp_path / "out.md"
    out.write_text(PREVIOUS, encoding="utf-8")
    result = run(*_bad(tmp_path, case), "-o", out)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []
