"""`amts demo`: the README's first command, on the sample book, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.cli import main
from amts.demo import run_demo
from amts.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "book"


def test_demo_carries_the_sample_change(tmp_path: Path):
    """The demo mines the sample translation, updates tensors.md and writes the report."""
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "parallel data: 25 sentence pairs" in result.output
    new = (out / "zh" / "chapter_basics" / "tensors.md").read_text(encoding="utf-8")
    old = (EXAMPLES / "zh" / "chapter_basics" / "tensors.md").read_text(encoding="utf-8")
    # The changed formula follows the English; the memory repairs the number in the sentence.
    assert "我们用$\\mathbf{x} \\in \\mathbb{R}^d$表示长度为$d$的向量。" in new
    assert "1. 创建一个有48个元素的张量，并把它变形为矩阵。" in new
    # Human text the English did not touch is byte for byte the same.
    for line in ("# 张量", "按元素运算将一个标量函数应用于每个元素。", "## 小结"):
        assert line in old and line in new
    # The code keeps its translated comment and gains the new line.
    assert "x = torch.arange(12, dtype=torch.float32)  # 12个值\nx = x.reshape(3, 4)\n" in new
    [report] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["memory"] == 3
    assert "## AMTS translation update" in (out / "report.md").read_text(encoding="utf-8")


def test_demo_names_a_missing_sample_book(tmp_path: Path):
    """Run outside a clone, the demo says where it looked."""
    with pytest.raises(InputError, match="sample book not found"):
        run_demo(tmp_path / "out", examples=tmp_path / "nowhere", say=lambda line: None)
