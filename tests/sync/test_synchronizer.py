"""``amts sync`` end to end on real git repositories: an English book, a d2l-zh style
translation (origin files) and a d2l-pt style one (same paths), through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from amts import cores
from amts.book import document
from amts.cli import main
from amts.engines import create_engine
from amts.errors import AmtsError
from amts.sync.filejob import follow_layout
from amts.sync.git import GitRepo
from amts.sync.synchronizer import FILES_PER_PROCESS, Synchronizer
from amts.update.updater import Updater
from tests.gitrepos import (
    AUTOGRAD_EN,
    BASICS,
    DATA_EN,
    DATA_ZH,
    INDEX,
    LINEAR_EN,
    LINEAR_ZH,
    NUMEL_NEW,
    NUMEL_OLD,
    TENSORS,
    GitDir,
    change_english,
    english_book,
    pt_book,
    zh_book,
)

AMTS = "AMTS <amts@users.noreply.github.com>"
STATE = ".amts/state.json"
WRITTEN = ".amts/written.json"
UNCLOSED_FENCE = "\n```python\nprint('never closed')\n"
ZH_NUMEL = "我们可以用`numel`检查元素的数量。"
#: The sentences of AUTOGRAD_EN the zh translation memory knows.
ZH_KNOWN = {
    "A tensor is an array with any number of axes.": "张量是具有任意数量轴的数组。",
    "Elementwise operations keep the shape of their inputs.": "按元素运算保持输入的形状。",
}


@dataclass
class Books:
    root: Path
    en: GitDir
    zh: GitDir
    pt: GitDir
    base: str  # the English both translations follow


@pytest.fixture
def books(tmp_path: Path) -> Books:
    en = english_book(tmp_path)
    return Books(tmp_path, en, zh_book(tmp_path), pt_book(tmp_path), en.rev("HEAD"))


def sync(books: Books, target: GitDir, *args: str | Path, lang: str = "zh") -> Result:
    """``amts sync`` in-process, as a user types it."""
    argv = ["sync", "--source-repo", books.en.path, "--target-repo", target.path]
    argv += ["--tgt-lang", lang, *args]
    return CliRunner().invoke(main, [str(a) for a in argv], catch_exceptions=False)


def diff(repo: GitDir, branch: str) -> set[str]:
    """``git diff --name-status -M`` between the target's main and the sync branch."""
    out = repo.git("diff", "--name-status", "-M", "main", branch)
    lines = {" ".join(line.split("\t")) for line in out.splitlines()}
    return {line for line in lines if not line.endswith(WRITTEN)}  # tests/sync/test_records.py


def state_of(repo: GitDir, rev: str) -> dict:
    return json.loads(repo.show(rev, STATE))


# --- the d2l-zh layout ----------------------------------------------------------------


def test_zh_sync_is_one_commit_on_a_new_branch(books: Books) -> None:
    to = change_english(books.en)
    before = books.zh.snapshot()
    pr, report = books.root / "pr.md", books.root / "report.json"
    result = sync(books, books.zh, "--from", books.base, "--pr-body", pr, "--report", report)
    assert result.exit_code == 0, result.output
    title = f"Sync with the English source at {to[:8]}: 4 files"
    assert result.stdout == title + "\n"
    branch = f"amts/sync-{to[:8]}"
    zh = books.zh
    # The checkout is as it was: same branch, clean tree, same index; one new ref.
    after = zh.snapshot()
    assert {k: v for k, v in after.items() if k != "refs"} == {
        k: v for k, v in before.items() if k != "refs"
    }
    assert after["status"] == "" and after["branch"] == "main"
    assert zh.branches() == [branch, "main"]
    commit = zh.rev(branch)
    assert zh.git("rev-list", "--parents", "-n", "1", branch).split() == [commit, before["head"]]
    assert zh.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", branch) == f"{AMTS}|{AMTS}"
    message = zh.git("log", "-1", "--format=%B", branch)
    assert message.splitlines()[0] == title
    assert f"AMTS-Source-Revision: {to}" in message
    assert diff(zh, branch) == {
        f"M {TENSORS}",
        f"M {BASICS}/tensors_origin.md",
        f"A {BASICS}/autograd.md",
        f"A {BASICS}/autograd_origin.md",
        f"D {BASICS}/linear.md",
        f"D {BASICS}/linear_origin.md",
        f"R100 {BASICS}/data.md chapter_preliminaries/data.md",
        f"R100 {BASICS}/data_origin.md chapter_preliminaries/data_origin.md",
        f"A {STATE}",
    }
    body = pr.read_text(encoding="utf-8")
    assert body.startswith(f"## {title}\n")
    assert f"`{BASICS}/data.md → chapter_preliminaries/data.md` | renamed | renamed" in body
    assert "img/broadcast.svg" not in diff(zh, branch)
    assert "1 changed file of the source (not markdown) ignored" in body
    assert f"--from {books.base} --to {to}" in body  # the retry command
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["branch"], data["commit"], data["base"], data["to"]) == (
        branch,
        commit,
        books.base,
        to,
    )
    assert {f["path"]: f["status"] for f in data["files"]} == {
        TENSORS: "updated",
        f"{BASICS}/autograd.md": "translated",
        f"{BASICS}/linear.md": "deleted",
        "chapter_preliminaries/data.md": "renamed",
    }
    assert {r["path"] for r in data["reports"]} == {TENSORS, f"{BASICS}/autograd.md"}
    assert data["ignored"] == ["img/broadcast.svg"]


def test_zh_update_changes_only_what_the_english_changed(books: Books) -> None:
    to = change_english(books.en)
    assert sync(books, books.zh, "--from", books.base).exit_code == 0
    branch, zh = f"amts/sync-{to[:8]}", books.zh
    old = zh.read(TENSORS).decode("utf-8")
    new = zh.show(branch, TENSORS).decode("utf-8")
    # The edited sentence has no translation yet (offline memory engine): it stays in
    # English for translators; the number edit is repaired from the memory; every other
    # byte is the translators'.
    assert new == old.replace(ZH_NUMEL, NUMEL_NEW).replace("有24个元素", "有36个元素")
    assert zh.show(branch, f"{BASICS}/tensors_origin.md") == books.en.read(TENSORS)
    assert zh.show(branch, INDEX) == zh.read(INDEX)
    assert zh.show(branch, "chapter_preliminaries/data.md") == zh.read(f"{BASICS}/data.md")


def test_a_new_file_is_translated_with_the_english_layout(books: Books) -> None:
    to = change_english(books.en)
    assert sync(books, books.zh, "--from", books.base).exit_code == 0
    branch = f"amts/sync-{to[:8]}"
    new = books.zh.show(branch, f"{BASICS}/autograd.md").decode("utf-8")
    expected = AUTOGRAD_EN
    for english, chinese in ZH_KNOWN.items():
        expected = expected.replace(english, chinese)
    assert new == expected  # sentences the memory knows are translated, the rest flagged
    assert books.zh.show(branch, f"{BASICS}/autograd_origin.md") == AUTOGRAD_EN.encode()


def test_the_state_file_is_the_next_base(books: Books) -> None:
    to = change_english(books.en)
    assert sync(books, books.zh, "--from", books.base).exit_code == 0
    branch = f"amts/sync-{to[:8]}"
    state = state_of(books.zh, branch)
    assert state["source_revision"] == to
    assert state["amts_version"]
    assert datetime.fromisoformat(state["synced_at"]).tzinfo is not None
    assert "pending" not in state
    books.zh.git("merge", "-q", "--ff-only", branch)  # the pull request is merged

    again = sync(books, books.zh)
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    assert "already synced" in again.stderr
    assert books.zh.branches() == [branch, "main"]

    books.en.edit(INDEX, "introduces the tools", "introduces the main tools")
    later = books.en.commit("Edit the chapter index")
    third = sync(books, books.zh)
    assert third.exit_code == 0, third.output
    assert diff(books.zh, f"amts/sync-{later[:8]}") == {
        f"M {INDEX}",
        f"M {BASICS}/index_origin.md",
        f"M {STATE}",
    }


def test_a_renamed_and_edited_file_is_moved_then_updated(books: Books) -> None:
    books.en.move(TENSORS, "chapter_preliminaries/tensors.md")
    books.en.edit("chapter_preliminaries/tensors.md", "with 24 elements", "with 48 elements")
    to = books.en.commit("Move and edit tensors")
    result = sync(books, books.zh, "--from", books.base)
    assert result.exit_code == 0, result.output
    branch, zh = f"amts/sync-{to[:8]}", books.zh
    moved = zh.show(branch, "chapter_preliminaries/tensors.md").decode("utf-8")
    assert moved == zh.read(TENSORS).decode("utf-8").replace("有24个元素", "有48个元素")
    assert zh.show(branch, TENSORS) is None
    assert zh.show(branch, f"{BASICS}/tensors_origin.md") is None
    assert zh.show(branch, "chapter_preliminaries/tensors_origin.md") == books.en.read(
        "chapter_preliminaries/tensors.md"
    )


# --- the d2l-pt layout ----------------------------------------------------------------


def test_pt_sync_uses_the_same_paths_and_no_origin_files(books: Books) -> None:
    to = change_english(books.en)
    result = sync(books, books.pt, "--from", books.base, lang="pt")
    assert result.exit_code == 0, result.output
    branch, pt = f"amts/sync-{to[:8]}", books.pt
    assert diff(pt, branch) == {
        f"M {TENSORS}",
        f"A {BASICS}/autograd.md",
        f"D {BASICS}/linear.md",
        f"R100 {BASICS}/data.md chapter_preliminaries/data.md",
        f"A {STATE}",
    }
    new = pt.show(branch, TENSORS).decode("utf-8")
    assert new == pt.read(TENSORS).decode("utf-8").replace(
        "Podemos verificar o número de elementos com `numel`.", NUMEL_NEW
    ).replace("com 24 elementos", "com 36 elementos")
    autograd = pt.show(branch, f"{BASICS}/autograd.md").decode("utf-8")
    assert "Um tensor é uma matriz com qualquer número de eixos.\n" in autograd
    assert not any(path.endswith("_origin.md") for path in pt.files(branch))


# --- refusals and errors ----------------------------------------------------------------


@pytest.mark.parametrize("staged", [False, True], ids=["unstaged", "staged"])
def test_a_dirty_target_is_refused(books: Books, staged: bool) -> None:
    change_english(books.en)
    books.zh.write(TENSORS, "# 我的草稿\n")
    if staged:
        books.zh.git("add", TENSORS)
    before = books.zh.snapshot()
    result = sync(books, books.zh, "--from", books.base)
    assert result.exit_code == 2
    assert "uncommitted changes" in result.stderr and TENSORS in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert books.zh.snapshot() == before


def test_untracked_files_in_the_target_do_not_block_a_sync(books: Books) -> None:
    to = change_english(books.en)
    books.zh.write("notes.txt", "mine\n")
    assert sync(books, books.zh, "--from", books.base).exit_code == 0
    assert books.zh.read("notes.txt") == b"mine\n"
    assert "notes.txt" not in books.zh.files(f"amts/sync-{to[:8]}")


def test_an_existing_branch_is_refused(books: Books) -> None:
    to = change_english(books.en)
    branch = f"amts/sync-{to[:8]}"
    books.zh.git("branch", branch)
    before = books.zh.snapshot()
    result = sync(books, books.zh, "--from", books.base)
    assert result.exit_code == 2
    assert f"branch '{branch}' already exists" in result.stderr
    assert "branch -D" in result.stderr and "--branch" in result.stderr
    assert books.zh.snapshot() == before
    other = sync(books, books.zh, "--from", books.base, "--branch", "sync/other")
    assert other.exit_code == 0, other.output
    assert books.zh.branches() == [branch, "main", "sync/other"]


def test_errors_name_what_to_fix(books: Books, tmp_path: Path) -> None:
    change_english(books.en)
    before = books.zh.snapshot()
    unknown = sync(books, books.zh, "--from", "no-such-rev")
    assert unknown.exit_code == 2
    assert "unknown revision --from no-such-rev in the source repository" in unknown.stderr
    bad_to = sync(books, books.zh, "--from", "HEAD", "--to", "v9")
    assert "unknown revision --to v9" in bad_to.stderr
    no_base = sync(books, books.zh)
    assert no_base.exit_code == 2
    assert "--from REV" in no_base.stderr and STATE in no_base.stderr
    (tmp_path / "plain").mkdir()
    argv = ["sync", "--source-repo", str(tmp_path / "plain"), "--target-repo", str(books.zh.path)]
    plain = CliRunner().invoke(main, [*argv, "--tgt-lang", "zh", "--from", "HEAD"])
    assert plain.exit_code == 2
    assert "source repository is not a git repository" in plain.stderr
    assert books.zh.snapshot() == before


def test_a_broken_state_file_is_an_error(books: Books) -> None:
    books.zh.write(STATE, "{not json")
    books.zh.commit("bad state")
    result = sync(books, books.zh)
    assert result.exit_code == 2
    assert STATE in result.stderr and "not valid JSON" in result.stderr


def test_nothing_to_sync_makes_no_branch(books: Books) -> None:
    books.en.write("img/broadcast.svg", "<svg><rect/></svg>\n")
    books.en.commit("Only an image")
    pr = books.root / "pr.md"
    result = sync(books, books.zh, "--from", books.base, "--pr-body", pr)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no markdown changed" in result.stderr
    assert books.zh.branches() == ["main"]
    assert not pr.exists()


# --- failures of one file ----------------------------------------------------------------


def test_a_bad_file_is_skipped_and_retried_by_the_next_sync(books: Books) -> None:
    en, zh = books.en, books.zh
    en.write(TENSORS, en.read(TENSORS).decode("utf-8") + UNCLOSED_FENCE)
    en.edit(INDEX, "introduces the tools", "introduces the main tools")
    broken = en.commit("Edit index; break tensors")
    pr, report = books.root / "pr.md", books.root / "report.json"
    result = sync(books, zh, "--from", books.base, "--pr-body", pr, "--report", report)
    assert result.exit_code == 0, result.output
    assert f"skipped {TENSORS}" in result.stderr and "never closed" in result.stderr
    branch = f"amts/sync-{broken[:8]}"
    assert diff(zh, branch) == {f"M {INDEX}", f"M {BASICS}/index_origin.md", f"A {STATE}"}
    body = pr.read_text(encoding="utf-8")
    assert "**Needs a human:**" in body and f"`{TENSORS}`: " in body
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    statuses = {f["path"]: (f["status"], f["note"]) for f in files}
    assert statuses[TENSORS][0] == "skipped" and "never closed" in statuses[TENSORS][1]
    assert state_of(zh, branch)["pending"] == [
        {
            "path": TENSORS,
            "old_path": TENSORS,
            "base": books.base,
            "reason": statuses[TENSORS][1],
        }
    ]
    zh.git("merge", "-q", "--ff-only", branch)

    en.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    en.write(TENSORS, en.read(TENSORS).decode("utf-8").replace(UNCLOSED_FENCE, ""))
    fixed = en.commit("Fix the fence; edit tensors")
    retry = sync(books, zh)
    assert retry.exit_code == 0, retry.output
    branch = f"amts/sync-{fixed[:8]}"
    assert diff(zh, branch) == {f"M {TENSORS}", f"M {BASICS}/tensors_origin.md", f"M {STATE}"}
    new = zh.show(branch, TENSORS).decode("utf-8")
    assert new == zh.read(TENSORS).decode("utf-8").replace(ZH_NUMEL, NUMEL_NEW)
    assert "pending" not in state_of(zh, branch)


def test_a_file_over_the_size_limit_is_skipped_with_a_note(books: Books) -> None:
    """A file larger than --max-file-bytes is skipped like a broken one: a note, pending in
    the state, the other files carried; the translation of a large file counts too."""
    en, zh = books.en, books.zh
    limit = 4000
    assert len(en.read(INDEX)) < limit and len(zh.read(INDEX)) < limit
    padding = "\n\nA sentence that makes the file long. " * 150
    en.write(TENSORS, en.read(TENSORS).decode("utf-8") + padding)
    en.edit(INDEX, "introduces the tools", "introduces the main tools")
    to = en.commit("Edit index; a long tensors")
    report = books.root / "report.json"
    result = sync(books, zh, "--from", books.base, "--max-file-bytes", limit, "--report", report)
    assert result.exit_code == 0, result.output
    size = len(en.read(TENSORS)) / 1e3
    note = f"{TENSORS} in the source is {size:.0f} KB, over the 4 KB limit for one file"
    assert f"skipped {TENSORS}: {note}" in result.stderr
    branch = f"amts/sync-{to[:8]}"
    assert diff(zh, branch) == {f"M {INDEX}", f"M {BASICS}/index_origin.md", f"A {STATE}"}
    assert [p["path"] for p in state_of(zh, branch)["pending"]] == [TENSORS]
    files = {f["path"]: f for f in json.loads(report.read_text(encoding="utf-8"))["files"]}
    assert files[TENSORS]["status"] == "skipped" and note in files[TENSORS]["note"]


def test_files_that_still_fail_are_no_news(books: Books) -> None:
    en, zh = books.en, books.zh
    en.write(TENSORS, en.read(TENSORS).decode("utf-8") + UNCLOSED_FENCE)
    en.edit(INDEX, "introduces the tools", "introduces the main tools")
    broken = en.commit("Edit index; break tensors")
    assert sync(books, zh, "--from", books.base).exit_code == 0
    zh.git("merge", "-q", "--ff-only", f"amts/sync-{broken[:8]}")
    again = sync(books, zh)  # the state is at --to: tensors.md waits for the next change
    assert again.exit_code == 0, again.output
    assert "already synced; 1 skipped files wait for the next change" in again.stderr
    en.write("img/broadcast.svg", "<svg><rect/></svg>\n")
    en.commit("Only an image")
    third = sync(books, zh)  # tensors.md is retried, and fails again
    assert third.exit_code == 0, third.output
    assert "the files skipped before still fail" in third.stderr
    assert f"skipped {TENSORS}" in third.stderr and "retried from" in third.stderr
    assert zh.branches() == [f"amts/sync-{broken[:8]}", "main"]


def test_a_broken_state_file_is_replaced_when_from_is_given(books: Books) -> None:
    books.zh.write(STATE, "{not json")
    books.zh.commit("bad state")
    to = change_english(books.en)
    result = sync(books, books.zh, "--from", books.base)
    assert result.exit_code == 0, result.output
    assert state_of(books.zh, f"amts/sync-{to[:8]}")["source_revision"] == to


def test_a_translation_that_is_not_utf8_is_skipped(books: Books) -> None:
    books.zh.write(f"{BASICS}/data.md", "# Dados\n\nCaf\xe9.\n".encode("latin-1"))
    books.zh.git("rm", "-q", f"{BASICS}/data_origin.md")  # so the English at --from is used
    books.zh.commit("a legacy file")
    books.en.edit(f"{BASICS}/data.md", "Data comes in tables.", "Data often comes in tables.")
    books.en.edit(INDEX, "introduces the tools", "introduces the main tools")
    to = books.en.commit("Edit data and index")
    result = sync(books, books.zh, "--from", books.base)
    assert result.exit_code == 0, result.output
    assert "not UTF-8" in result.stderr
    assert diff(books.zh, f"amts/sync-{to[:8]}") == {
        f"M {INDEX}",
        f"M {BASICS}/index_origin.md",
        f"A {STATE}",
    }


def test_when_every_file_fails_nothing_is_committed(books: Books) -> None:
    books.en.write(TENSORS, books.en.read(TENSORS).decode("utf-8") + UNCLOSED_FENCE)
    books.en.commit("Break tensors")
    report = books.root / "report.json"
    result = sync(books, books.zh, "--from", books.base, "--report", report)
    assert result.exit_code == 1
    assert "no file could be carried" in result.stderr
    assert books.zh.branches() == ["main"]
    assert json.loads(report.read_text())["files"][0]["status"] == "skipped"


# --- the installed command -----------------------------------------------------------------


def _amts() -> str | None:
    found = shutil.which("amts")
    beside = Path(sys.executable).with_name("amts")
    return found or (str(beside) if beside.exists() else None)


@pytest.mark.skipif(_amts() is None, reason="the amts console script is not installed")
def test_the_installed_command(books: Books) -> None:
    to = change_english(books.en)
    books.zh.write(TENSORS, "# 草稿\n")
    argv = [_amts(), "sync", "--source-repo", str(books.en.path)]
    argv += ["--target-repo", str(books.zh.path), "--tgt-lang", "zh", "--from", books.base]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    refused = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert refused.returncode == 2
    assert refused.stderr.startswith("Error: ") and len(refused.stderr.splitlines()) == 1
    books.zh.git("checkout", "-q", "--", TENSORS)
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Sync with the English source at {to[:8]}: 4 files\n"
    assert f"new branch amts/sync-{to[:8]}" in done.stderr


# --- the library API --------------------------------------------------------------------


def test_parallel_data_is_the_memory_when_given(books: Books) -> None:
    to = change_english(books.en)
    tsv = books.root / "pd.tsv"
    tsv.write_text(f"en\tzh\n{NUMEL_NEW}\t我们可以用`numel`检查元素的总数。\n", encoding="utf-8")
    result = sync(books, books.zh, "--from", books.base, "--parallel-data", tsv)
    assert result.exit_code == 0, result.output
    new = books.zh.show(f"amts/sync-{to[:8]}", TENSORS).decode("utf-8")
    assert "我们可以用`numel`检查元素的总数。\n形状可以通过属性获得。" in new


def test_synchronizer_api(books: Books) -> None:
    to = change_english(books.en)
    updater = Updater("en", "zh", create_engine("memory"))
    with GitRepo(books.en.path, "source") as en, GitRepo(books.zh.path, "target") as zh:
        result = Synchronizer(en, zh, updater).run(books.base, "HEAD", "sync/api")
    assert (result.base, result.to, result.branch) == (books.base, to, "sync/api")
    assert result.commit == books.zh.rev("sync/api")
    assert [f.status for f in result.files].count("updated") == 1
    assert len(updater.memory) > 0  # mined from the target, as none was given


def test_a_sync_in_batches_writes_what_one_batch_writes(books: Books) -> None:
    """Files planned and translated a batch at a time (bounded memory on a huge push) make
    the same commit as all at once."""
    books.en.edit(INDEX, "introduces the tools", "introduces the main tools")
    books.en.write(
        f"{BASICS}/extra.md", "# Extra\n\nA tensor is an array with any number of axes.\n"
    )
    to = change_english(books.en)
    trees = []
    for batch, branch in ((1, "sync/one-by-one"), (500, "sync/at-once")):
        updater = Updater("en", "zh", create_engine("memory"))
        with GitRepo(books.en.path, "source") as en, GitRepo(books.zh.path, "target") as zh:
            result = Synchronizer(en, zh, updater, files_per_batch=batch).run(
                books.base, to, branch
            )
        assert len([f for f in result.files if f.status != "unchanged"]) >= 3
        listing = books.zh.git("ls-tree", "-r", branch).splitlines()
        trees.append([line for line in listing if not line.endswith(STATE)])  # synced_at
    assert trees[0] == trees[1]


def _many_files(books: Books, count: int) -> str:
    """``count`` more translated files, then an English revision that edits, extends or
    breaks each of them (every third gets a sentence the memory knows, one an unclosed
    fence): the English revision's SHA."""
    for i in range(count):
        for repo, (linear, data) in (
            (books.en, (LINEAR_EN, DATA_EN)),
            (books.zh, (LINEAR_ZH, DATA_ZH)),
        ):
            repo.write(f"many/f{i:02}.md", linear.replace("sec_linear", f"sec_{i}") + "\n" + data)
        books.zh.write(
            f"many/f{i:02}_origin.md", LINEAR_EN.replace("sec_linear", f"sec_{i}") + "\n" + DATA_EN
        )
    books.en.commit("Many files")
    books.zh.commit("Their translations")
    base = books.en.rev("HEAD")
    for i in range(count):
        path = f"many/f{i:02}.md"
        books.en.edit(path, "It fits a line", f"It fits a line ({i} times)")
        if i % 3 == 0:
            books.en.edit(
                path, "Data comes in tables.", "Data comes in tables.\nIt fits a line to the data."
            )
    books.en.edit("many/f05.md", "# Data", "# Data" + UNCLOSED_FENCE)
    books.en.commit("Edit them all")
    return base


def test_many_files_carried_across_processes_make_the_same_commit(
    books: Books, tmp_path: Path
) -> None:
    """With twice FILES_PER_PROCESS files, ``amts sync`` (its own process, with no other
    thread, as a user runs it) forks a process for the spare core that carries files too;
    the commit, its message, the pull-request body and the JSON report are those of one
    process carrying them all (with every core held by this test, nothing is spread)."""
    if cores.available_cores() < 2:
        pytest.skip("one core: nothing to spread over")
    base = _many_files(books, 2 * FILES_PER_PROCESS + 4)
    runs = {}
    for spread in (False, True):
        branch = f"sync/spread-{spread}"
        out = tmp_path / f"spread-{spread}"
        command = [sys.executable, "-m", "amts.cli", "-v", "sync", "--from", base]
        command += ["--source-repo", str(books.en.path), "--target-repo", str(books.zh.path)]
        command += ["--tgt-lang", "zh", "--branch", branch]
        command += ["--pr-body", f"{out}.md", "--report", f"{out}.json"]
        with cores.claim(0 if spread else cores.available_cores()):  # held: nothing spare
            done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert ("sync.spread: 20 files, " in done.stderr) is spread, done.stderr
        listing = books.zh.git("ls-tree", "-r", branch).splitlines()
        report = json.loads(Path(f"{out}.json").read_text())
        runs[spread] = (
            [line for line in listing if not line.endswith(STATE)],
            books.zh.git("log", "-1", "--format=%B", branch),
            Path(f"{out}.md").read_text().replace(str(out), "OUT").replace(branch, "BRANCH"),
            [{k: v for k, v in f.items() if k != "branch"} for f in report["files"]],
        )
        if spread:
            assert " 0 by 1 other" not in done.stderr  # the other process carried some
    assert runs[True] == runs[False]
    statuses = [f["status"] for f in runs[True][3]]
    assert statuses.count("updated") == 2 * FILES_PER_PROCESS + 3 and statuses.count("skipped") == 1


def test_follow_layout_restores_the_english_blank_lines() -> None:
    english = document.parse("# Title\n:label:`x`\n\n* one\n* two\n", "en.md")
    spread = "# 标题\n\n:label:`x`\n\n* 一\n\n* 二\n\n"
    assert follow_layout(english, spread, "zh.md") == "# 标题\n:label:`x`\n\n* 一\n* 二\n"
    with pytest.raises(AmtsError, match="does not have the English's blocks"):
        follow_layout(english, "# 标题\n\n一段话。\n", "zh.md")


def test_repository_pages_and_excluded_paths_are_not_carried(books: Books):
    """README.md and the like belong to each repository; --exclude adds more patterns."""
    books.en.write("README.md", "# Dive into Deep Learning\n\nThe English repository.\n")
    books.en.write("drafts/notes.md", "# Notes\n\nNot part of the book.\n")
    books.en.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    books.en.commit("README, drafts and a real change")
    result = sync(books, books.zh, "--from", books.base, "--exclude", "drafts/*")
    assert result.exit_code == 0, result.output
    changed = diff(books.zh, f"amts/sync-{books.en.rev('HEAD')[:8]}")
    assert all("README" not in line and "drafts" not in line for line in changed)
    assert any(TENSORS in line for line in changed)
