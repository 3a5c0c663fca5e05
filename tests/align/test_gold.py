"""Tests of the alignment gold set: normalize/score on hand-made pairs, the loader's
checks on a tiny fake checkout, and every real gold file against the d2l checkout."""

import hashlib
import importlib.util
import json
import re
import shutil
import sys
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest

GOLD_PY = Path(__file__).resolve().parents[2] / "bench" / "gold" / "gold.py"
SHARED = Path(__file__).resolve().parents[3] / "shared"
ZH_ROOT = SHARED / "d2l" / "zh"


def _import_gold() -> ModuleType:
    """Load bench/gold/gold.py by path: bench/ is not a package."""
    spec = importlib.util.spec_from_file_location("amts_bench_gold", GOLD_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


gold = _import_gold()

needs_shared = pytest.mark.skipif(not ZH_ROOT.is_dir(), reason=f"{ZH_ROOT} is absent")

STRUCTURAL_LINE = re.compile(
    r"^[ \t]*(?:```|\$\$|:(?:label|eqlabel|width|begin_tab|end_tab):)", re.M
)


# --- normalize -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("## Linear Model", "LinearModel"),
        ("### 线性 模型\n", "线性模型"),
        ("#", ""),
        ("* Imputation and deletion.", "Imputationanddeletion."),
        ("- a b", "ab"),
        ("+ a b", "ab"),
        ("1. Delete the column.", "Deletethecolumn."),
        ("12. Twelfth item", "Twelfthitem"),
        ("    * nested item", "nesteditem"),
        ("![Fit data with a linear model.](../img/fit-linreg.svg)", "Fitdatawithalinearmodel."),
        ("![用线性模型拟合数据。](../img/fit-linreg.svg)", "用线性模型拟合数据。"),
        ("a b\n\tc\u3000d\r\n", "abcd"),
        # Markup that is not a marker stays: emphasis, links, numbers, a hash without space.
        ("*Regression* refers", "*Regression*refers"),
        (
            "[Discussions](https://discuss.d2l.ai/t/28)",
            "[Discussions](https://discuss.d2l.ai/t/28)",
        ),
        ("invented in 1795. Linear", "inventedin1795.Linear"),
        ("#1 priority", "#1priority"),
        ("-1 is negative", "-1isnegative"),
    ],
)
def test_normalize(unit: str, expected: str) -> None:
    assert gold.normalize(unit) == expected


def test_normalize_side_joined_with_newline_or_space() -> None:
    units = ["First sentence,\nwrapped.", "Second one."]
    assert gold.normalize("\n".join(units)) == gold.normalize(" ".join(units))
    assert gold.normalize("\n".join(units)) == "Firstsentence,wrapped.Secondone."


def test_normalize_markers_of_every_unit_in_a_newline_joined_side() -> None:
    with_markers = "我们在这里所做的改变是：\n1. 第一项；\n1. 第二项。"
    without = "我们在这里所做的改变是：\n第一项；\n第二项。"
    assert (
        gold.normalize(with_markers)
        == gold.normalize(without)
        == "我们在这里所做的改变是：第一项；第二项。"
    )


# --- score -----------------------------------------------------------------------------


def test_score_mixed() -> None:
    gold_pairs = [("A a.", "甲。"), ("B b.", "乙。"), ("C c.\nD d.", "丙。")]
    predicted = [("A a.", "甲。"), ("B b.", "丁。"), ("C c. D d.", "丙。"), ("E e.", "戊。")]
    prf = gold.score(predicted, gold_pairs)
    # 2 of 4 predictions are right (the 2-1 pair despite " " vs "\n"); 2 of 3 gold found.
    assert (prf.predicted, prf.gold, prf.correct) == (4, 3, 2)
    assert prf.precision == pytest.approx(1 / 2)
    assert prf.recall == pytest.approx(2 / 3)
    assert prf.f1 == pytest.approx(4 / 7)  # 2 * (1/2) * (2/3) / (1/2 + 2/3)


def test_score_perfect_and_normalized() -> None:
    gold_pairs = [
        ("## Summary", "## 小结"),
        ("![Fit data.](a.svg)", "![拟合数据。](a.svg)"),
        ("* Item.", "* 条目。"),
    ]
    predicted = [("Summary", "小结"), ("Fit data.", "拟合数据。"), ("Item.", "条目。")]
    prf = gold.score(predicted, gold_pairs)
    assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert (prf.predicted, prf.gold, prf.correct) == (3, 3, 3)


def test_score_gold_pair_matches_once() -> None:
    prf = gold.score([("A", "甲"), ("A", "甲")], [("A", "甲")])
    assert (prf.predicted, prf.gold, prf.correct) == (2, 1, 1)
    assert prf.precision == pytest.approx(1 / 2)
    assert prf.recall == 1.0
    assert prf.f1 == pytest.approx(2 / 3)


def test_score_repeated_gold_pairs_each_need_a_prediction() -> None:
    prf = gold.score([("Summary", "小结")], [("Summary", "小结"), ("Summary", "小结")])
    assert (prf.precision, prf.recall) == (1.0, 0.5)
    assert prf.f1 == pytest.approx(2 / 3)


def test_score_sides_are_not_interchangeable() -> None:
    prf = gold.score([("甲", "A")], [("A", "甲")])
    assert (prf.precision, prf.recall, prf.f1, prf.correct) == (0.0, 0.0, 0.0, 0)


def test_score_empty_and_generator() -> None:
    assert gold.score([], [("A", "甲")]) == gold.PRF(0.0, 0.0, 0.0, 0, 1, 0)
    assert gold.score([("A", "甲")], []) == gold.PRF(0.0, 0.0, 0.0, 1, 0, 0)
    prf = gold.score((pair for pair in [("A", "甲")]), [("A", "甲"), ("B", "乙")])
    assert (prf.precision, prf.recall, prf.predicted) == (1.0, 0.5, 1)


# --- load_gold on a tiny fake checkout -------------------------------------------------

EN = "# Title\n:label:`sec_x`\n\nOne. Two.\n\n* Item.\n"
ZH = "# 标题\n:label:`sec_x`\n\n一。二。\n\n* 条目。\n"


def _fake(tmp_path: Path, **overrides: object) -> tuple[Path, Path]:
    root = tmp_path / "zh"
    (root / "chapter_x").mkdir(parents=True)
    (root / "chapter_x" / "s_origin.md").write_text(EN, encoding="utf-8")
    (root / "chapter_x" / "s.md").write_text(ZH, encoding="utf-8")
    data: dict[str, object] = {
        "source": "chapter_x/s_origin.md",
        "target": "chapter_x/s.md",
        "revision": "0" * 40,
        "source_sha256": hashlib.sha256(EN.encode()).hexdigest(),
        "target_sha256": hashlib.sha256(ZH.encode()).hexdigest(),
        "paragraphs": [
            {"src": [[0, 7]], "tgt": [[0, 4]]},
            {"src": [[24, 33], [35, 42]], "tgt": [[21, 25], [27, 32]]},
        ],
        "sentences": [{"src": [[24, 28], [29, 33]], "tgt": [[21, 25]]}],
    }
    data.update(overrides)
    path = tmp_path / "chapter_x__s.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, root


def test_load_gold_joins_units_with_newline(tmp_path: Path) -> None:
    path, root = _fake(tmp_path)
    section = gold.load_gold(path, root)
    assert section.source == "chapter_x/s_origin.md"
    assert section.paragraphs == [
        ("# Title", "# 标题"),
        ("One. Two.\n* Item.", "一。二。\n* 条目。"),
    ]
    assert section.sentences == [("One.\nTwo.", "一。二。")]


def test_load_gold_rejects_changed_file(tmp_path: Path) -> None:
    path, root = _fake(tmp_path)
    (root / "chapter_x" / "s.md").write_text(ZH.replace("一", "壹"), encoding="utf-8")
    with pytest.raises(gold.GoldError, match=r"chapter_x/s\.md has changed"):
        gold.load_gold(path, root)


def test_load_gold_rejects_missing_file(tmp_path: Path) -> None:
    path, root = _fake(tmp_path)
    with pytest.raises(gold.GoldError, match="not found"):
        gold.load_gold(path, root / "nowhere")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"paragraphs": [{"src": [[0, 999]], "tgt": [[0, 4]]}]}, "bad or out-of-order span"),
        ({"paragraphs": [{"src": [[35, 42], [24, 33]], "tgt": [[0, 4]]}]}, "out-of-order"),
        ({"paragraphs": [{"src": [], "tgt": [[0, 4]]}]}, "non-empty list"),
        (
            {
                "sentences": [
                    {"src": [[24, 28]], "tgt": [[21, 23]]},
                    {"src": [[24, 28]], "tgt": [[23, 25]]},
                ]
            },
            "overlap or repeat",
        ),
        ({"source_sha256": None}, "missing source_sha256"),
    ],
)
def test_load_gold_rejects_malformed(tmp_path: Path, overrides: dict, message: str) -> None:
    path, root = _fake(tmp_path, **overrides)
    with pytest.raises(gold.GoldError, match=message):
        gold.load_gold(path, root)


# --- the real gold files ---------------------------------------------------------------


def test_gold_files_are_named_after_their_section() -> None:
    files = gold.gold_files()
    assert len(files) >= 3
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        chapter, section = path.stem.split("__")
        assert data["target"] == f"{chapter}/{section}.md"
        assert data["source"] == f"{chapter}/{section}_origin.md"
        assert re.fullmatch(r"[0-9a-f]{40}", data["revision"])


@needs_shared
@pytest.mark.parametrize("path", gold.gold_files(), ids=lambda p: p.stem)
def test_gold_file_loads_against_checkout(path: Path) -> None:
    section = gold.load_gold(path, ZH_ROOT)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(section.paragraphs) == len(data["paragraphs"]) > 0
    assert len(section.sentences) == len(data["sentences"]) > 0
    for src, tgt in section.paragraphs + section.sentences:
        assert gold.normalize(src) and gold.normalize(tgt)
    # Scoring the gold against itself is perfect: no two gold pairs collapse into one.
    assert gold.score(section.sentences, section.sentences).f1 == 1.0


@needs_shared
@pytest.mark.parametrize("path", gold.gold_files(), ids=lambda p: p.stem)
def test_gold_units_are_clean_ordered_and_disjoint(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = {
        "src": (ZH_ROOT / data["source"]).read_text(encoding="utf-8"),
        "tgt": (ZH_ROOT / data["target"]).read_text(encoding="utf-8"),
    }
    for level in ("paragraphs", "sentences"):
        for side, text in texts.items():
            spans = [span for pair in data[level] for span in pair[side]]
            # Pairs are listed in document order and each pair's units are consecutive
            # spans in order, so the flattened list must be strictly increasing.
            for (_, end), (start, _) in pairwise(spans):
                assert end <= start, f"{level} {side}: units overlap or out of order at {start}"
            for start, end in spans:
                unit = text[start:end]
                assert unit and unit == unit.strip(), f"{level} {side} {start}: untrimmed unit"
                assert not STRUCTURAL_LINE.search(unit), f"{level} {side} {start}: {unit[:60]!r}"
                assert "```" not in unit
    # A sentence with a counterpart lies inside a paragraph unit that has one too.
    for side in ("src", "tgt"):
        paragraphs = [span for pair in data["paragraphs"] for span in pair[side]]
        for pair in data["sentences"]:
            for start, end in pair[side]:
                assert any(a <= start and end <= b for a, b in paragraphs), (side, start)


@needs_shared
def test_gold_load_detects_edit_of_real_section(tmp_path: Path) -> None:
    path = gold.gold_files()[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    for rel in (data["source"], data["target"]):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ZH_ROOT / rel, tmp_path / rel)
    gold.load_gold(path, tmp_path)  # an identical copy loads
    with (tmp_path / data["source"]).open("a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(gold.GoldError, match="has changed"):
        gold.load_gold(path, tmp_path)
