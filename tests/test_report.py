"""The reviewer's report: JSON that round-trips, a PR body that flags and fits GitHub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amts.report import render_markdown, to_json, write_json
from amts.update.changes import (
    BlockChange,
    ChangeKind,
    Origin,
    Quality,
    SentenceResult,
    UpdateReport,
)
from tests import report_reference

SIGNATURE = "amts:0.1.0|engine:amazon|align:0.5"
BLEU_SIG = "nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:2.6.0"
CHRF_SIG = "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"


def _report() -> UpdateReport:
    modified = BlockChange(
        kind=ChangeKind.MODIFIED,
        block_kind="paragraph",
        old_source="A tensor is an array.\nIt has a shape.",
        new_source="A tensor is an n-dimensional array.\nIt has a shape.",
        old_target="张量是一个数组。\n它有形状。",
        new_target="张量是一个n维数组。\n它有形状。",
        confidence=0.92,
        line=12,
        sentences=[
            SentenceResult(
                "A tensor is an n-dimensional array.",
                "张量是一个n维数组。",
                Origin.ENGINE,
                detail="amazon:batch",
            ),
            SentenceResult("It has a shape.", "它有形状。", Origin.KEPT),
        ],
    )
    inserted = BlockChange(
        kind=ChangeKind.INSERTED,
        block_kind="paragraph",
        old_source=None,
        new_source="Use `x | y` for the union.\nSee the <b>docs</b> and `<unk>`.",
        old_target=None,
        new_target="用 `x | y` 表示并集。\nSee the <b>docs</b> and `<unk>`.",
        line=20,
        sentences=[
            SentenceResult(
                "Use `x | y` for the union.",
                "用 `x | y` 表示并集。",
                Origin.MEMORY,
                detail="fuzzy",
                score=0.91,
            ),
            SentenceResult(
                "See the <b>docs</b> and `<unk>`.",
                "See the <b>docs</b> and `<unk>`.",
                Origin.UNTRANSLATED,
                note="engine refused:\nplaceholder lost",
            ),
        ],
    )
    deleted = BlockChange(
        kind=ChangeKind.DELETED,
        block_kind="paragraph",
        old_source="An old remark.",
        new_source=None,
        old_target="一条旧的评论。",
        new_target=None,
        confidence=0.31,
    )
    code = BlockChange(
        kind=ChangeKind.MODIFIED,
        block_kind="code",
        old_source="```python\nx = 1\n```",
        new_source="```python\nx = 2\n```",
        old_target="```python\nx = 1\n```",
        new_target="```python\nx = 2\n```",
        confidence=1.0,
        line=30,
        sentences=[SentenceResult("x = 2", "x = 2", Origin.VERBATIM)],
    )
    unchanged = BlockChange(
        kind=ChangeKind.UNCHANGED,
        block_kind="paragraph",
        old_source="Same.",
        new_source="Same.",
        old_target="相同。",
        new_target="相同。",
        confidence=0.99,
        line=5,
        sentences=[SentenceResult("Same.", "相同。", Origin.KEPT)],
    )
    return UpdateReport(
        path="chapter_preliminaries/ndarray.md",
        src_lang="en",
        tgt_lang="zh",
        engine="amazon",
        changes=[unchanged, modified, inserted, deleted, code],
        chars_sent=120,
        changed_chars=100,
        file_chars=4000,
        notes=["glossary term 'tensor' kept as 张量"],
        quality=Quality(41.234, 38.46, BLEU_SIG, CHRF_SIG, 20),
        signature=SIGNATURE,
    )


@pytest.fixture
def markdown() -> str:
    return render_markdown(
        [_report()], retry_command="amts update --lang zh chapter_preliminaries/ndarray.md"
    )


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param(
            "1 file, 4 blocks changed (2 modified, 1 inserted, 1 deleted); engine: amazon.",
            id="blocks",
        ),
        pytest.param(
            "Sentences: 2 kept, 1 from memory, 1 from the engine, 1 untranslated, "
            "1 verbatim (code, math).",
            id="origins",
        ),
        # 120 / 100 = 1.20; 120 / 4000 = 3.0 %
        pytest.param("Characters sent to the engine: 120, that is 1.20× the 100", id="ratio"),
        pytest.param(
            "3.0% of the 4,000 that re-translating the whole file would send.", id="share"
        ),
        pytest.param(
            "**Needs a human:** 1 untranslated sentence, 1 low-confidence alignment (< 0.5), "
            "2 notes",
            id="flags",
        ),
        pytest.param(f"AMTS report signature: `{SIGNATURE}`", id="signature"),
        pytest.param(
            f"Quality on this file: BLEU = 41.2 ({BLEU_SIG}) "
            f"chrF2 = 38.5 ({CHRF_SIG}) on 20 held-out sentences",
            id="quality",
        ),
        pytest.param("| 1 | modified | paragraph | 12 | 0.92 |  |", id="row-modified"),
        pytest.param(
            "| 2 | inserted | paragraph | 20 | – | 1 untranslated, 1 note |", id="row-new"
        ),
        pytest.param("| 3 | deleted | paragraph | – | 0.31 | low alignment 0.31 |", id="row-low"),
        pytest.param("- A tensor is an array.\n+ A tensor is an n-dimensional array.", id="diff"),
        pytest.param("  It has a shape.", id="diff-context"),
        pytest.param("Translation replaced:\n\n```text\n张量是一个数组。", id="old-target"),
        pytest.param("Translation removed:\n\n```text\n一条旧的评论。", id="removed"),
        pytest.param("New translation:\n\n```text\n张量是一个n维数组。", id="new-target"),
        pytest.param("| Use `x \\| y` for the union. | memory | fuzzy 0.91 |", id="escaped-pipe"),
        pytest.param(
            "| See the \\<b>docs\\</b> and `<unk>`. | untranslated |  | "
            "**needs a human: untranslated**; engine refused: placeholder lost |",
            id="untranslated-flag",
        ),
        pytest.param("````diff\n  ```python\n- x = 1\n+ x = 2\n  ```\n````", id="long-fence"),
        pytest.param("- glossary term 'tensor' kept as 张量", id="file-note"),
    ],
)
def test_markdown_contains(markdown: str, expected: str) -> None:
    assert expected in markdown


def test_markdown_has_one_details_per_changed_block(markdown: str) -> None:
    assert markdown.count("<details>") == markdown.count("</details>") == 4
    assert "Same." not in markdown  # the unchanged, unflagged block is left out
    assert (
        "<summary>3. deleted paragraph · alignment 0.31 · needs a human: low alignment 0.31"
        "</summary>" in markdown
    )


def test_markdown_ends_with_retry_and_starts_with_title(markdown: str) -> None:
    assert markdown.startswith("## AMTS translation update\n")
    assert markdown.endswith("To retry: `amts update --lang zh chapter_preliminaries/ndarray.md`\n")
    assert render_markdown([_report()], title="Sync d2l-zh").startswith("## Sync d2l-zh\n")


def test_markdown_without_flags_or_quality() -> None:
    report = UpdateReport("a.md", "en", "ja", "memory", signature=SIGNATURE)

    markdown = render_markdown([report])

    assert "1 file, 0 blocks changed; engine: memory." in markdown
    assert "No characters were sent to the engine." in markdown
    assert "Nothing is flagged for a human" in markdown
    assert "BLEU" not in markdown and "<details>" not in markdown
    assert "To retry" not in markdown


def test_markdown_lists_quality_per_file_when_several() -> None:
    second = _report()
    second.path, second.quality = "chapter_linear/linreg.md", None

    markdown = render_markdown([_report(), second])

    assert f"- `chapter_preliminaries/ndarray.md`: BLEU = 41.2 ({BLEU_SIG})" in markdown
    assert "2 files, 8 blocks changed" in markdown
    assert (
        "### `chapter_linear/linreg.md` (en → zh)\n\nEngine: amazon; 4 blocks changed" in markdown
    )
    assert "that re-translating the whole files would send" in markdown
    assert markdown.count(f"`{SIGNATURE}`") == 1  # the same signature is shown once


def _big_report(blocks: int) -> UpdateReport:
    english = "Deep learning models learn representations from data. " * 20  # 1,100 chars
    chinese = "深度学习模型从数据中学习表示。" * 60  # 900 chars
    changes = [
        BlockChange(
            kind=ChangeKind.MODIFIED,
            block_kind="paragraph",
            old_source=english,
            new_source=english + str(i),
            old_target=chinese,
            new_target=chinese + str(i),
            confidence=0.9,
            line=10 * i,
            sentences=[SentenceResult(english, chinese, Origin.ENGINE, detail="amazon:batch")],
        )
        for i in range(1, blocks + 1)
    ]
    return UpdateReport("big.md", "en", "zh", "amazon", changes=changes, signature=SIGNATURE)


def test_markdown_is_capped_dropping_details_from_the_end() -> None:
    report = _big_report(300)  # several hundred kB uncapped

    markdown = render_markdown(
        [report], retry_command="amts update big.md", json_report="amts-report.json"
    )

    assert len(markdown) <= 60_000
    opened = markdown.count("<details>")
    assert 0 < opened < 300
    assert markdown.count("</details>") == opened
    assert "<summary>1. modified paragraph" in markdown  # the first blocks keep details
    assert "<summary>300. modified paragraph" not in markdown
    assert f"{300 - opened} changed blocks' details left out" in markdown
    assert "The JSON report `amts-report.json` has the full details." in markdown
    assert "| 300 | modified | paragraph | 3000 | 0.90 |" in markdown  # table rows all kept
    assert markdown.endswith("To retry: `amts update big.md`\n")


@pytest.mark.parametrize(
    ("limit", "says"),
    [
        pytest.param(20_000, "changed blocks' details left out", id="drops-details"),
        pytest.param(10_000, "and 1 file section left out", id="drops-files"),
        pytest.param(200, "**Cut** at 200 characters: see the JSON report", id="hard-cut"),
    ],
)
def test_markdown_cap_holds_when_tables_alone_are_too_big(limit: int, says: str) -> None:
    reports = [_big_report(150), _big_report(150)]

    markdown = render_markdown(reports, limit=limit)

    assert len(markdown) <= limit
    assert markdown.count("<details>") == markdown.count("</details>")
    assert says in markdown
    assert "JSON report" in markdown


def test_to_json_uses_enum_values_and_keeps_chinese() -> None:
    text = to_json(_report())

    data = json.loads(text)
    assert "张量是一个n维数组。" in text  # not \\u5f20…
    assert data["changes"][1]["kind"] == "modified"
    assert data["changes"][1]["sentences"][0]["origin"] == "engine"
    assert data["counts"] == {
        "kept": 2,
        "memory": 1,
        "engine": 1,
        "untranslated": 1,
        "verbatim": 1,
    }
    assert data["quality"]["bleu_signature"] == BLEU_SIG
    assert text.startswith('{\n  "path": ')  # indent 2


@pytest.mark.parametrize(
    ("reports", "shape"),
    [
        pytest.param(_report(), dict, id="one-report-object"),
        pytest.param([_report(), _report()], list, id="several-reports-array"),
    ],
)
def test_write_json_round_trips(tmp_path: Path, reports, shape: type) -> None:
    path = tmp_path / "out" / "amts-report.json"

    write_json(reports, path)

    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, shape)
    first = data if shape is dict else data[0]
    assert first["changes"][2]["sentences"][1]["origin"] == "untranslated"
    assert first["changes"][3]["kind"] == "deleted"
    assert "一条旧的评论。" in text
    assert [p.name for p in path.parent.iterdir()] == ["amts-report.json"]  # no temp left


def test_memory_engine_cost_is_what_a_paid_engine_would_be_sent() -> None:
    """The free memory engine sends nothing: the summary says what a paid one would cost."""
    report = _report()
    report.engine = "memory"
    text = render_markdown([report])
    assert "Characters a paid engine would be sent (nothing left this machine): 120" in text
    assert "Characters sent to the engine" not in text


@pytest.mark.parametrize("files", [0, 1, 2, 7, 40])
@pytest.mark.parametrize("limit", [150, 1_000, 5_000, 20_000, 60_000, 10_000_000])
def test_markdown_fits_as_the_body_built_per_try_did(files: int, limit: int) -> None:
    """The layout measured as sections come gives the reference's body, byte for byte,
    whether it keeps everything, drops details, drops file sections or cuts."""
    reports = [_big_report(1 + (7 * n) % 23) if n % 3 else _report() for n in range(files)]
    for retry, json_report in ((None, None), ("amts sync", "report.json")):
        expected = report_reference.render_markdown(
            reports, retry_command=retry, json_report=json_report, limit=limit
        )
        assert (
            render_markdown(reports, retry_command=retry, json_report=json_report, limit=limit)
            == expected
        )
