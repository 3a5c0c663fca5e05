"""``amts lag`` and ``measure_lag`` on the sample book with a lagging translation (hand
counted), a rename, and on the real books in ``../shared/d2l`` (skipped without them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.cli import main
from amts.lag import STATUSES, measure_lag
from tests.conftest import SHARED
from tests.gitrepos import BASICS, SOFTMAX, UNTRANSLATED, GitDir, copy_book, lagging_books

FILE_KEYS = ["path", "status", "blocks", "up_to_date", "behind", "missing", "renamed_to"]
TOTAL_KEYS = ["files", "blocks", "up_to_date", "behind", "missing", "percent_up_to_date"]


@pytest.fixture
def books(tmp_path: Path) -> tuple[GitDir, GitDir, GitDir]:
    en, zh, pt = lagging_books(tmp_path)
    en.move(f"{BASICS}/data.md", "chapter_preliminaries/data.md")  # renamed in English
    en.commit("Move data")
    return en, zh, pt


def test_origin_layout_counts_blocks_english_against_english(books) -> None:
    """softmax.md: 12 English blocks; its origin has 8 as they are, 2 older, 2 not at all."""
    en, zh, _ = books
    report = measure_lag(en.path, zh.path, "zh")
    softmax = report.file(SOFTMAX)
    assert (softmax.status, softmax.blocks, softmax.up_to_date) == ("behind", 12, 8)
    assert (softmax.behind, softmax.missing) == (2, 2)
    assert report.file(f"{BASICS}/tensors.md").status == "up-to-date"
    assert report.source_revision == en.rev("HEAD")


@pytest.mark.parametrize("lang", ["zh", "pt"])
def test_untranslated_and_renamed_files(books, lang: str) -> None:
    """An English file with no translation is missing whole; a translation whose English
    moved is "english-gone" with the new path, found by content."""
    en, zh, pt = books
    report = measure_lag(en.path, zh.path if lang == "zh" else pt.path, lang)
    untranslated = report.file(UNTRANSLATED)
    assert (untranslated.status, untranslated.blocks, untranslated.missing) == (
        "untranslated",
        2,
        2,
    )
    gone = report.file(f"{BASICS}/data.md")
    assert (gone.status, gone.blocks, gone.renamed_to) == (
        "english-gone",
        0,
        "chapter_preliminaries/data.md",
    )
    assert report.file("chapter_preliminaries/data.md").status == "untranslated"


def test_no_origin_layout_uses_the_alignment(books) -> None:
    """d2l-pt: the softmax translation lags on at least the 4 blocks its English changed
    since; the code, math and label of a translation are up to date."""
    en, _, pt = books
    report = measure_lag(en.path, pt.path, "pt")
    softmax = report.file(SOFTMAX)
    assert softmax.status == "behind" and softmax.blocks == 12
    assert softmax.behind + softmax.missing >= 4
    tensors = report.file(f"{BASICS}/tensors.md")
    assert tensors.up_to_date >= 9  # its 9 code, math and directive blocks at least


def test_json_shape_is_fixed(books) -> None:
    """The keys the App and the dashboard read, and counts that add up."""
    en, zh, _ = books
    out = CliRunner().invoke(
        main,
        [
            "lag",
            "--source-repo",
            str(en.path),
            "--target-repo",
            str(zh.path),
            "--tgt-lang",
            "zh",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert list(data) == ["source_revision", "language", "files", "totals"]
    assert data["source_revision"] == en.rev("HEAD") and data["language"] == "zh"
    for entry in data["files"]:
        assert list(entry) == FILE_KEYS and entry["status"] in STATUSES
        assert entry["up_to_date"] + entry["behind"] + entry["missing"] == entry["blocks"]
    assert list(data["totals"]) == TOTAL_KEYS
    totals = data["totals"]
    assert totals["blocks"] == sum(e["blocks"] for e in data["files"])
    assert totals["percent_up_to_date"] == round(100 * totals["up_to_date"] / totals["blocks"], 1)


def test_table_has_chapter_and_language_totals(books) -> None:
    en, zh, _ = books
    argv = ["lag", "--source-repo", str(en.path), "--target-repo", str(zh.path), "--tgt-lang", "zh"]
    out = CliRunner().invoke(main, argv)
    assert out.exit_code == 0, out.output
    assert SOFTMAX in out.output and "english-gone" in out.output
    assert "chapter_basics" in out.output.split("chapter ")[-1]
    assert "total (zh)" in out.output


def test_a_missing_repository_is_named(tmp_path: Path) -> None:
    argv = ["lag", "--source-repo", str(tmp_path / "nope"), "--target-repo", str(tmp_path)]
    out = CliRunner().invoke(main, [*argv, "--tgt-lang", "zh"])
    assert out.exit_code == 2 and "nope" in out.output


@pytest.fixture(scope="module")
def d2l(tmp_path_factory: pytest.TempPathFactory) -> dict[str, GitDir]:
    if not (SHARED / "d2l").is_dir():
        pytest.skip("../shared/d2l is absent (it is only beside the project on the dev machines)")
    root = tmp_path_factory.mktemp("d2l")
    return {
        lang: copy_book(root / lang, SHARED / "d2l" / lang, lang) for lang in ("en", "zh", "pt")
    }


@pytest.mark.parametrize("lang", ["zh", "pt"])
def test_real_books(d2l: dict[str, GitDir], lang: str) -> None:
    """The whole d2l-zh and d2l-pt: d2l 1.0 moved linear-networks/linear-regression.md to
    linear-regression/; both translations still have it at the old path."""
    report = measure_lag(d2l["en"].path, d2l[lang].path, lang)
    gone = report.file("chapter_linear-networks/linear-regression.md")
    assert gone.status == "english-gone"
    assert gone.renamed_to == "chapter_linear-regression/linear-regression.md"
    intro = report.file("chapter_introduction/index.md")
    assert intro.status == "behind" and 0 < intro.up_to_date < intro.blocks
    totals = report.totals()
    assert 0 < totals["percent_up_to_date"] < 100
    assert sum(c["blocks"] for c in report.chapters().values()) == totals["blocks"]
