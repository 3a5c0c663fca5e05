"""A sync carries its push's English change and nothing older (issue 10 §1), on the sample
book with a translation that lags its English (``tests/gitrepos.py``: ``lagging_books``), in
d2l-zh's layout (origin files) and d2l-pt's (none)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from amts.engines import create_engine
from amts.sync.git import GitRepo
from amts.sync.report import FileResult, SyncResult, render_pr_body, summary_lines
from amts.sync.synchronizer import Synchronizer
from amts.update.updater import Updater
from tests.gitrepos import (
    SOFTMAX,
    SOFTMAX_EN,
    SOFTMAX_ORIGIN,
    SOFTMAX_PT,
    SOFTMAX_ZH,
    UNTRANSLATED,
    GitDir,
    lagging_books,
)
from tests.sync.lagproperty import assert_only_edited, block_index

ORIGIN = SOFTMAX.replace(".md", "_origin.md")
M1 = "The model computes one score for each class.\n"
MATH = "$$\\hat{y} = \\mathrm{softmax}(o).$$\n"
M3 = "The largest probability names the predicted class.\n"
BIAS = "A bias term shifts every score before the softmax.\n"


@dataclass(frozen=True)
class Case:
    """An English edit: ``old`` → ``new`` in the English, and in the origin if carried."""

    old: str
    new: str
    touched: tuple[str, ...]  # the first words of the English blocks it edits
    inserted: int = 0
    carried: bool = True


CASES = [
    pytest.param(
        Case(M1, "The model computes one score, a logit, for each class.\n", (M1,)), id="modify"
    ),
    pytest.param(Case(M3, M3 + "\n" + BIAS, (), inserted=1), id="insert"),
    pytest.param(Case(MATH + "\n", "", (MATH,)), id="delete"),
    pytest.param(Case(f"{M1}\n{MATH}\n{M3}", f"{MATH}\n{M3}\n{M1}", (M1,)), id="move"),
    pytest.param(
        Case(
            "Softmax regression is used for classification.",
            "Softmax regression is used for multi-class classification.",
            ("Softmax regression",),
            carried=False,
        ),
        id="edit-in-older-block",
    ),
    pytest.param(
        Case(
            "We train the model with the cross-entropy loss.",
            "We train it with the cross-entropy loss.",
            ("We train",),
            carried=False,
        ),
        id="edit-in-missing-block",
    ),
]


@dataclass
class Run:
    en: GitDir
    target: GitDir
    base: str
    result: SyncResult

    def file(self, path: str) -> FileResult:
        return next(f for f in self.result.files if f.path == path)

    def after(self, path: str) -> str:
        return self.target.show(self.result.branch, path).decode("utf-8")


def push(tmp_path: Path, lang: str, edit) -> Run:
    """Sync one English push into the lagging translation of ``lang``."""
    en, zh, pt = lagging_books(tmp_path)
    target = zh if lang == "zh" else pt
    base = en.rev("HEAD")
    edit(en)
    to = en.commit("The push")
    updater = Updater("en", lang, create_engine("memory"))
    with GitRepo(en.path, "source") as source, GitRepo(target.path, "target") as repo:
        result = Synchronizer(source, repo, updater).run(base, to, "amts/sync")
    return Run(en, target, base, result)


@pytest.mark.parametrize("case", CASES)
def test_origin_layout_carries_only_the_push(tmp_path: Path, case: Case) -> None:
    """d2l-zh: the origin gets exactly the push's edit, the translation changes only in the
    blocks aligned to it; an edit of a block the origin lags on is reported, not carried."""
    run = push(tmp_path, "zh", lambda en: en.edit(SOFTMAX, case.old, case.new))
    file = run.file(SOFTMAX)
    if not case.carried:
        assert file.status == "unchanged" and file.not_carried == 1
        assert run.result.branch is None  # nothing to commit: the sync carries no lag
        return
    assert file.status == "updated" and file.not_carried == 0
    expected_origin = SOFTMAX_ORIGIN.replace(case.old, case.new, 1)
    assert run.after(ORIGIN) == expected_origin
    assert expected_origin != SOFTMAX_EN.replace(case.old, case.new, 1)  # never the English head
    touched = {block_index(SOFTMAX_ORIGIN, words) for words in case.touched}
    after = run.after(SOFTMAX)
    assert after != SOFTMAX_ZH
    assert_only_edited(SOFTMAX_ORIGIN, SOFTMAX_ZH, after, touched, case.inserted, "zh")
    # Still behind where it was: the first paragraph, the Loss heading and paragraph, an item.
    assert file.lag == 4


@pytest.mark.parametrize("case", CASES)
def test_no_origin_layout_changes_only_the_edited_blocks(tmp_path: Path, case: Case) -> None:
    """d2l-pt: the old English is the English at base; the translation changes only in the
    blocks aligned to the edited English blocks (an edit in a block it lags on included)."""
    run = push(tmp_path, "pt", lambda en: en.edit(SOFTMAX, case.old, case.new))
    touched = {block_index(SOFTMAX_EN, words) for words in case.touched}
    file = run.file(SOFTMAX)
    after = run.after(SOFTMAX) if run.result.branch else SOFTMAX_PT
    if file.status == "unchanged":
        assert touched and not case.carried  # only the lagging edits may leave it as it was
    assert_only_edited(SOFTMAX_EN, SOFTMAX_PT, after, touched, case.inserted, "pt")


@pytest.mark.parametrize("lang", ["zh", "pt"])
def test_an_english_file_never_translated_gets_no_translation(tmp_path: Path, lang: str) -> None:
    """An English file that existed at base without a translation is lag: the push's edit to
    it creates nothing, and the report counts its blocks."""
    run = push(tmp_path, lang, lambda en: en.edit(UNTRANSLATED, "Nobody", "No one"))
    file = run.file(UNTRANSLATED)
    assert file.status == "unchanged" and file.lag == 2
    assert run.result.branch is None
    assert run.target.show("HEAD", UNTRANSLATED) is None


def test_pr_body_names_the_lag_it_did_not_carry(tmp_path: Path) -> None:
    """The pull request says which files still lag, by how many blocks, and how to catch up."""
    run = push(tmp_path, "zh", lambda en: en.edit(SOFTMAX, M1, M1.replace("one", "a")))
    body = render_pr_body(run.result)
    assert (
        f"`{SOFTMAX}` lags 4 blocks behind the English; `/amts catch-up {SOFTMAX}` carries them"
        in body
    )


def test_a_push_edit_left_as_lag_is_counted(tmp_path: Path) -> None:
    """An edit of a block the translation lags on is counted among the lag, not carried."""
    old, new = "It predicts the probability", "It predicts the likelihood"
    run = push(tmp_path, "zh", lambda en: en.edit(SOFTMAX, old, new))
    lines = summary_lines(run.result)
    assert (
        f"`{SOFTMAX}` lags 4 blocks behind the English (this push edited 1 of them); "
        f"`amts sync --catch-up {SOFTMAX}` carries them"
    ) in lines
    assert run.result.to_dict()["files"][0]["not_carried"] == 1
