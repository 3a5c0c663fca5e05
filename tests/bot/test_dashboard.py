"""The status issue's body, pinned by whole expected bodies, and its checkboxes read back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.dashboard.issue import MAX_BOXES, Status, is_dashboard, render, ticked
from tests.bot.lagdicts import SMALL, many_chapters

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dashboard"
SOURCE, TARGET = "d2l-ai/d2l-en", "d2l-ai/d2l-zh"
PULL = {
    "number": 412,
    "url": "https://github.com/d2l-ai/d2l-zh/pull/412",
    "files": 3,
    "untranslated": 5,
    "low_confidence": 2,
    "chars_sent": 1234,
}
FAILURE = {
    "error": "the sync failed: GitHub answered 502; it is retried with the next push",
    "error_id": "e-3f9a1c2b",
    "at": "2026-12-07T14:00:00+00:00",
}

CASES = [
    pytest.param(Status(SOURCE, TARGET, "zh"), "not-measured.md", id="before the first sync"),
    pytest.param(
        Status(
            SOURCE,
            TARGET,
            "zh",
            lag=SMALL,
            since=(58.2, "the merge of #411"),
            pull=PULL,
            failure=FAILURE,
            requests={"chapter_introduction/index.md": "requested by @astonzhang → #412"},
            page_url="https://amts.example.org/",
        ),
        "small-book.md",
        id="three chapters, PR, failure, a request",
    ),
    pytest.param(
        Status(SOURCE, TARGET, "zh", lag=many_chapters()),
        "34-chapters.md",
        id="34 chapters, bounded boxes",
    ),
]


@pytest.mark.parametrize(("status", "fixture"), CASES)
def test_body_matches_fixture(status: Status, fixture: str) -> None:
    """The whole body equals its hand-checked fixture (AMTS_UPDATE_FIXTURES=1 rewrites)."""
    path = FIXTURES / fixture
    body = render(status)
    if os.environ.get("AMTS_UPDATE_FIXTURES"):
        path.write_text(body, encoding="utf-8")
    assert body == path.read_text(encoding="utf-8")


def test_long_book_lists_every_chapter_and_bounds_the_boxes() -> None:
    body = render(Status(SOURCE, TARGET, "zh", lag=many_chapters(34)))
    chart = body.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert chart.count('"topic') == 34
    assert sum(line.startswith("| `chapter_topic") for line in body.splitlines()) == 34
    boxes = [line for line in body.splitlines() if line.startswith("- [ ]")]
    assert len(boxes) == MAX_BOXES
    assert "and 58 more files" in body  # 68 files behind (2 with no lag are not listed)


def test_boxes_most_behind_first() -> None:
    body = render(Status(SOURCE, TARGET, "zh", lag=SMALL))
    boxes = [line for line in body.splitlines() if line.startswith("- [ ]")]
    assert [b.split("`")[1] for b in boxes] == [
        "chapter_introduction/index.md",
        "chapter_preliminaries/lookup-api.md",
        "chapter_preliminaries/probability.md",
    ]


def test_ticked_reads_new_ticks_only() -> None:
    body = render(Status(SOURCE, TARGET, "zh", lag=SMALL))
    mark = "<!-- amts-catch-up: chapter_"
    one = body.replace(f"- [ ] {mark}introduction", f"- [x] {mark}introduction")
    two = one.replace(f"- [ ] {mark}preliminaries/prob", f"- [X] {mark}preliminaries/prob")
    intro, probability = "chapter_introduction/index.md", "chapter_preliminaries/probability.md"
    assert ticked(one, body) == [intro]
    assert ticked(two, one) == [probability]
    assert ticked(two, None) == [intro, probability]
    assert ticked(body, body) == []


def test_visible_text_is_not_a_request() -> None:
    """A ticked box without the hidden marker (typed by someone) asks for nothing."""
    body = "- [x] catch up `chapter_introduction/index.md`\n- [x] <!-- other: x --> y\n"
    assert ticked(body, "") == []


def test_is_dashboard_names_the_target() -> None:
    body = render(Status(SOURCE, TARGET, "zh"))
    assert is_dashboard(body, TARGET)
    assert not is_dashboard(body, "d2l-ai/d2l-pt")
    assert not is_dashboard("hello", TARGET)
    assert not is_dashboard(None, TARGET)


def test_huge_hostile_body_is_bounded() -> None:
    """A 1 MB body of near-markers is read in bounded time and asks for nothing."""
    body = "- [x] <!-- amts-catch-up: " + "a" * 1_000_000
    assert ticked(body, "") == []


def test_chapters_agree_with_the_core_report() -> None:
    """The views' per-chapter totals, from the JSON, are LagReport.chapters()' (chapters
    with English blocks; one of only gone translations has no bar)."""
    from amts.lag import FileLag, LagReport
    from bot.dashboard.lag import chapters

    report = LagReport(
        "f" * 40,
        "zh",
        [FileLag(**{k: v for k, v in f.items()}) for f in SMALL["files"]],
    )
    core = {name: sums for name, sums in report.chapters().items() if sums["blocks"]}
    ours = chapters(report.as_json())
    assert [c.name for c in ours] == list(core)
    for chapter in ours:
        sums = core[chapter.name]
        assert (chapter.files, chapter.blocks, chapter.up_to_date) == (
            sums["files"],
            sums["blocks"],
            sums["up_to_date"],
        )
        assert chapter.percent == sums["percent_up_to_date"]
