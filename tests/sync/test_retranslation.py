"""Finding the sentences AMTS wrote, unedited, and replacing exactly those spans."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import git
import pytest

from amts.engines.base import Engine, Translation
from amts.errors import InputError
from amts.sync.git import GitRepo
from amts.sync.retranslate import (
    AMBIGUOUS,
    EDITED,
    OUTSIDE,
    OVERLAP,
    plan_retranslation,
    retranslate,
    retranslate_branch,
)
from amts.sync.written import WRITTEN_PATH, WrittenRecord, WrittenSentence

PATH = "chapter_basics/tensors.md"
TEXT = """\
# 张量
:label:`sec_tensors`

张量是数字数组。
Vectors have one axis.

## 创建张量

要创建张量，我们调用`arange`。
Shapes are attributes.

### 细节

细节在这里。

## 运算
:label:`sec_ops`

运算是按元素的。
"""


def written(*pairs: tuple[str, str], path: str = PATH) -> list[WrittenSentence]:
    return [WrittenSentence(path, source, target, "untranslated") for source, target in pairs]


VECTORS = ("Vectors have one axis.", "Vectors have one axis.")
SHAPES = ("Shapes are attributes.", "Shapes are attributes.")
OPS = ("Operations are elementwise.", "运算是按元素的。")


def spans(plan) -> list[str]:
    return [TEXT[c.start : c.end] for c in plan.candidates]


def test_unedited_sentences_are_found_at_their_spans():
    """Every recorded target that still occurs once is a candidate, at its exact span."""
    plan = plan_retranslation(TEXT, written(VECTORS, SHAPES, OPS), PATH)
    assert spans(plan) == ["Vectors have one axis.", "Shapes are attributes.", "运算是按元素的。"]
    assert plan.skipped == []


def test_an_edited_sentence_is_skipped():
    """A target a translator changed no longer occurs: it is not AMTS's any more."""
    edited = ("Tensors have shapes.", "Tensors have shapes and dtypes.")
    plan = plan_retranslation(TEXT, written(VECTORS, edited), PATH)
    assert spans(plan) == ["Vectors have one axis."]
    assert [(s.source, why) for s, why in plan.skipped] == [("Tensors have shapes.", EDITED)]


def test_a_text_a_human_also_wrote_is_ambiguous():
    """Recorded once but found twice: one of them is a human's, so neither is touched."""
    text = TEXT + "\nShapes are attributes.\n"
    plan = plan_retranslation(text, written(VECTORS, SHAPES), PATH)
    assert [c.sentence.source for c in plan.candidates] == ["Vectors have one axis."]
    assert [why for _, why in plan.skipped] == [AMBIGUOUS]


def test_a_text_recorded_twice_and_found_twice_is_both():
    """AMTS wrote the same translation twice: both occurrences are its own."""
    text = TEXT + "\nShapes are attributes.\n"
    plan = plan_retranslation(text, written(SHAPES, SHAPES), PATH)
    assert [text[c.start : c.end] for c in plan.candidates] == ["Shapes are attributes."] * 2
    assert plan.candidates[0].start != plan.candidates[1].start


def test_overlapping_targets_are_left_alone():
    """One recorded target inside another: which words are whose is unclear."""
    inner = ("Vectors.", "have one axis.")
    plan = plan_retranslation(TEXT, written(VECTORS, inner), PATH)
    assert plan.candidates == []
    assert sorted(why for _, why in plan.skipped) == [OVERLAP, OVERLAP]


def test_other_files_sentences_are_ignored():
    """Only the sentences recorded for this path count."""
    plan = plan_retranslation(TEXT, written(VECTORS, path="other.md"), PATH)
    assert plan.candidates == [] and plan.skipped == []


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        pytest.param("sec_ops", ["运算是按元素的。"], id="heading with :label:"),
        pytest.param("创建张量", ["Shapes are attributes."], id="heading words"),
        pytest.param(
            "sec_tensors",
            ["Vectors have one axis.", "Shapes are attributes.", "运算是按元素的。"],
            id="top heading: whole file",
        ),
    ],
)
def test_a_section_limits_the_candidates(section, expected):
    """A section runs from its heading to the next heading as high or higher."""
    plan = plan_retranslation(TEXT, written(VECTORS, SHAPES, OPS), PATH, section)
    assert spans(plan) == expected
    assert all(why == OUTSIDE for _, why in plan.skipped)


class Dictionary(Engine):
    """An engine that knows a fixed list of translations, for hand-checked expectations."""

    name = "dictionary"

    def __init__(self, known: dict[str, str]) -> None:
        super().__init__()
        self.known = known
        self.asked: list[str] = []

    def translate(
        self, segments: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[Translation]:
        self.asked += segments
        return [
            Translation(self.known[s], "dictionary")
            if s in self.known
            else Translation(None, "dictionary", note="unknown")
            for s in segments
        ]


def files_with(record: list[WrittenSentence], text: str = TEXT) -> dict[str, bytes]:
    return {PATH: text.encode(), WRITTEN_PATH: WrittenRecord(record).to_bytes()}


def test_retranslate_replaces_changed_sentences_only():
    """Changed, unchanged and untranslated sentences each get their outcome; the record
    follows the new text so a second retranslation still knows the sentence."""
    files = files_with(written(VECTORS, SHAPES, OPS))
    engine = Dictionary({VECTORS[0]: "向量有一个轴。", OPS[0]: OPS[1]})
    result = retranslate(files.get, [(PATH, None)], engine, src_lang="en", tgt_lang="zh")
    assert engine.asked == [VECTORS[0], SHAPES[0], OPS[0]]
    assert [(o.source, o.status) for o in result.outcomes] == [
        (VECTORS[0], "changed"),
        (SHAPES[0], "untranslated"),
        (OPS[0], "unchanged"),
    ]
    assert result.files[PATH].decode() == TEXT.replace(VECTORS[1], "向量有一个轴。")
    record = WrittenRecord.from_bytes(result.files[WRITTEN_PATH]).sentences
    assert record[0] == WrittenSentence(PATH, VECTORS[0], "向量有一个轴。", "engine")
    assert record[1:] == written(SHAPES, OPS)


def test_nothing_changed_writes_nothing():
    files = files_with(written(OPS))
    result = retranslate(
        files.get, [(PATH, None)], Dictionary({OPS[0]: OPS[1]}), src_lang="en", tgt_lang="zh"
    )
    assert result.files == {} and result.changed == 0


def test_a_path_without_recorded_sentences_is_an_error():
    files = files_with(written(OPS, path="other.md"))
    with pytest.raises(InputError, match="AMTS wrote no sentence here"):
        retranslate(files.get, [(PATH, None)], Dictionary({}), src_lang="en", tgt_lang="zh")


def test_nothing_recorded_is_an_error():
    with pytest.raises(InputError, match="AMTS wrote no sentence on this branch"):
        retranslate({}.get, [], Dictionary({}), src_lang="en", tgt_lang="zh")


def test_a_missing_path_is_an_error():
    with pytest.raises(InputError, match="no such file"):
        retranslate({}.get, [("nope.md", None)], Dictionary({}), src_lang="en", tgt_lang="zh")


def test_retranslate_branch_commits_on_top_of_the_head(tmp_path: Path):
    """One commit whose parent is the branch head; only the retranslated span differs."""
    work = git.Repo.init(tmp_path / "zh", initial_branch="main")
    work.git.config("user.name", "Translator")
    work.git.config("user.email", "t@example.org")
    for path, data in files_with(written(VECTORS, OPS)).items():
        (Path(work.working_dir) / path).parent.mkdir(parents=True, exist_ok=True)
        (Path(work.working_dir) / path).write_bytes(data)
    work.git.add("-A")
    work.git.commit("-m", "sync")
    work.git.branch("amts/sync")
    head = work.git.rev_parse("amts/sync")
    engine = Dictionary({VECTORS[0]: "向量有一个轴。", OPS[0]: OPS[1]})
    with GitRepo(work.working_dir, "target") as repo:
        result = retranslate_branch(
            repo, "amts/sync", [(PATH, None)], engine, src_lang="en", tgt_lang="zh"
        )
    assert result.commit == work.git.rev_parse("amts/sync")
    assert work.git.rev_parse(f"{result.commit}^") == head
    changed = work.git.diff("--name-only", head, result.commit).split()
    assert changed == [WRITTEN_PATH, PATH]
    assert work.git.show(f"{result.commit}:{PATH}") + "\n" == TEXT.replace(
        VECTORS[1], "向量有一个轴。"
    )


def test_no_path_means_every_recorded_file():
    """``/amts retranslate`` alone: every file AMTS wrote in, in record order."""
    other = "chapter_basics/index.md"
    files = files_with(written(VECTORS) + written(SHAPES, path=other))
    files[other] = b"# Index\n\nShapes are attributes.\n"
    engine = Dictionary({VECTORS[0]: "向量有一个轴。", SHAPES[0]: "形状是属性。"})
    result = retranslate(files.get, [], engine, src_lang="en", tgt_lang="zh")
    assert sorted(result.files) == [WRITTEN_PATH, other, PATH]
    assert result.files[other] == "# Index\n\n形状是属性。\n".encode()
