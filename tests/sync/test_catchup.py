"""Catch-up on request (issue 10 §3): all the lag of a file, a directory or a section as one
commit; a renamed English moves its translation first. On the sample book with a lagging
translation (``tests/gitrepos.py``: ``lagging_books``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.book import document
from amts.cli import main
from amts.engines import create_engine
from amts.errors import InputError
from amts.sync.git import GitRepo
from amts.sync.report import SyncResult, render_pr_body
from amts.sync.synchronizer import Synchronizer
from amts.update.updater import Updater
from tests.gitrepos import (
    BASICS,
    DATA_EN,
    DATA_ZH,
    PT,
    SOFTMAX,
    SOFTMAX_EN,
    SOFTMAX_ORIGIN,
    SOFTMAX_ZH,
    TENSORS,
    UNTRANSLATED,
    UNTRANSLATED_EN,
    GitDir,
    lagging_books,
)
from tests.sync.lagproperty import assert_only_edited, block_index, changed_blocks

ORIGIN = SOFTMAX.replace(".md", "_origin.md")
STATE = ".amts/state.json"


def catch_up(en: GitDir, target: GitDir, lang: str, *paths: str) -> SyncResult:
    updater = Updater("en", lang, create_engine("memory"))
    with GitRepo(en.path, "source") as source, GitRepo(target.path, "target") as repo:
        return Synchronizer(source, repo, updater).catch_up(paths)


def test_a_file_catches_up_whole(tmp_path: Path) -> None:
    """d2l-zh: the origin becomes the English; the translation changes in the lagging
    blocks only (first paragraph, last item, the Loss section added); no state is written."""
    en, zh, _ = lagging_books(tmp_path)
    result = catch_up(en, zh, "zh", SOFTMAX)
    assert result.title.startswith("Catch up with the English source")
    assert zh.show(result.branch, ORIGIN).decode() == SOFTMAX_EN
    after = zh.show(result.branch, SOFTMAX).decode()
    touched = {block_index(SOFTMAX_ORIGIN, w) for w in ("Softmax regression", "* Cross")}
    assert_only_edited(SOFTMAX_ORIGIN, SOFTMAX_ZH, after, touched, 2, "zh")
    assert "## Loss" in after or "损失" in after  # the missing section is there now
    assert zh.show(result.branch, STATE) is None
    file = result.files[0]
    assert (file.status, file.lag) == ("updated", 0)
    assert "Catches up, on request" in render_pr_body(result)


def test_a_section_by_heading(tmp_path: Path) -> None:
    """``PATH#Summary``: only that section follows the English; the rest still lags."""
    en, zh, _ = lagging_books(tmp_path)
    result = catch_up(en, zh, "zh", f"{SOFTMAX}#Summary")
    item_old = "* Cross-entropy measures the difference between distributions."
    expected = SOFTMAX_ORIGIN.replace(item_old, "* Cross-entropy compares two distributions.")
    assert zh.show(result.branch, ORIGIN).decode() == expected
    after = zh.show(result.branch, SOFTMAX).decode()
    lost, _ = changed_blocks(SOFTMAX_ZH, after)
    assert len(lost) == 1  # the one item
    assert result.files[0].lag == 3  # first paragraph, Loss heading and paragraph


def test_a_section_the_origin_lacks_is_refused(tmp_path: Path) -> None:
    en, zh, _ = lagging_books(tmp_path)
    with pytest.raises(InputError, match="catch up the whole file"):
        catch_up(en, zh, "zh", f"{SOFTMAX}#Loss")


def test_no_origin_layout_adds_the_missing_blocks(tmp_path: Path) -> None:
    """d2l-pt: English blocks with no counterpart in the translation (here its Exercises
    section, never translated) are added; every block of the translation stays."""
    en, _, pt = lagging_books(tmp_path)
    before = PT[TENSORS].split("## Exercícios")[0]
    pt.write(TENSORS, before)
    pt.commit("Tensors without exercises")
    result = catch_up(en, pt, "pt", TENSORS)
    after = pt.show(result.branch, TENSORS).decode()
    lost, added = changed_blocks(before, after)
    assert not lost
    assert "## Exercises\n" in [document.parse(after).blocks[j].text for j in added]


@pytest.mark.parametrize("lang", ["zh", "pt"])
def test_an_untranslated_file_is_created(tmp_path: Path, lang: str) -> None:
    en, zh, pt = lagging_books(tmp_path)
    target = zh if lang == "zh" else pt
    result = catch_up(en, target, lang, UNTRANSLATED)
    assert result.files[0].status == "translated"
    assert target.show(result.branch, UNTRANSLATED) is not None
    if lang == "zh":
        origin = UNTRANSLATED.replace(".md", "_origin.md")
        assert target.show(result.branch, origin).decode() == UNTRANSLATED_EN


def test_a_renamed_english_moves_the_translation_first(tmp_path: Path) -> None:
    """The English moved ``data.md`` to another chapter: catching up the new path moves the
    translation and its origin file there (the translation unchanged: nothing else lags)."""
    en, zh, _ = lagging_books(tmp_path)
    new = "chapter_preliminaries/data.md"
    en.move(f"{BASICS}/data.md", new)
    en.commit("Move data")
    result = catch_up(en, zh, "zh", new)
    assert result.files[0].status == "renamed"
    assert result.files[0].old_path == f"{BASICS}/data.md"
    assert zh.show(result.branch, new).decode() == DATA_ZH
    assert zh.show(result.branch, new.replace(".md", "_origin.md")).decode() == DATA_EN
    assert zh.show(result.branch, f"{BASICS}/data.md") is None
    assert zh.show(result.branch, f"{BASICS}/data_origin.md") is None


def test_a_directory_and_a_wrong_path(tmp_path: Path) -> None:
    en, zh, _ = lagging_books(tmp_path)
    result = catch_up(en, zh, "zh", BASICS)
    assert {f.path for f in result.carried} == {SOFTMAX, UNTRANSLATED}
    with pytest.raises(InputError, match="chapter_nowhere: no English markdown file"):
        catch_up(en, zh, "zh", "chapter_nowhere")


def test_command_line(tmp_path: Path) -> None:
    """``amts sync --catch-up PATH`` commits on a new branch and names no --from."""
    en, zh, _ = lagging_books(tmp_path)
    argv = ["sync", "--source-repo", en.path, "--target-repo", zh.path, "--tgt-lang", "zh"]
    out = CliRunner().invoke(main, [*map(str, argv), "--catch-up", SOFTMAX, "--branch", "c"])
    assert out.exit_code == 0, out.output
    assert "Catch up with the English source" in out.output
    assert zh.show("c", ORIGIN).decode() == SOFTMAX_EN
    out = CliRunner().invoke(main, [*map(str, argv), "--catch-up", SOFTMAX, "--from", "HEAD"])
    assert out.exit_code == 2 and "--from and --catch-up" in out.output
