"""The App's side of a sync: building on a given parent in a bare repository, moving the
sync branch forward only, and the records a sync keeps (``.amts/written.json``,
``.amts/report.json``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from amts.engines import create_engine
from amts.errors import InputError
from amts.sync.git import GitRepo
from amts.sync.history import HISTORY_PATH, SyncEntry, SyncHistory
from amts.sync.synchronizer import Synchronizer
from amts.sync.written import WRITTEN_PATH, WrittenRecord, WrittenSentence
from amts.update.updater import Updater
from tests.gitrepos import (
    AUTOGRAD_EN,
    BASICS,
    NUMEL_NEW,
    NUMEL_OLD,
    TENSORS,
    GitDir,
    english_book,
    zh_book,
)

AUTOGRAD = f"{BASICS}/autograd.md"
BRANCH = "amts/sync"


def _sync(en: Path, zh: Path, base: str | None, **options) -> object:
    updater = Updater("en", "zh", create_engine("memory"))
    with GitRepo(en, "source") as source, GitRepo(zh, "target") as target:
        return Synchronizer(source, target, updater).run(base, "HEAD", BRANCH, **options)


@pytest.fixture
def repos(tmp_path: Path) -> tuple[GitDir, GitDir, Path, str]:
    """The English book, its zh translation, a bare clone of the translation, the base."""
    en, zh = english_book(tmp_path), zh_book(tmp_path)
    bare = tmp_path / "zh.git"
    zh.git("clone", "-q", "--bare", str(zh.path), str(bare))
    return en, zh, bare, en.rev("HEAD")


def show(bare: Path, rev: str, path: str) -> bytes | None:
    with GitRepo(bare, "target") as repo:
        return repo.read(rev, path)


def test_written_json_records_the_sentences_amts_wrote(repos) -> None:
    """A new file's sentences are recorded with their origin; kept ones are not."""
    en, zh, _, base = repos
    en.write(AUTOGRAD, AUTOGRAD_EN)
    en.commit("Add autograd")
    result = _sync(en.path, zh.path, base)
    record = json.loads(zh.show(result.commit, WRITTEN_PATH))
    assert record["version"] == 1
    by_source = {s["source"]: s for s in record["sentences"]}
    known = by_source["A tensor is an array with any number of axes."]
    assert (known["path"], known["origin"], known["target"]) == (
        AUTOGRAD,
        "memory",
        "张量是具有任意数量轴的数组。",
    )
    unknown = by_source["Gradients tell us how to change the parameters."]
    assert unknown["origin"] == "untranslated"  # the memory engine knows no more
    assert {s["origin"] for s in record["sentences"]} <= {"memory", "engine", "untranslated"}
    for sentence in record["sentences"]:  # each is in the file as written
        assert sentence["target"] in zh.show(result.commit, sentence["path"]).decode()


def test_a_bare_repository_is_synced_on_top_of_a_given_parent(repos) -> None:
    """``parent`` is where the commit goes and where the state is read; no dirty check."""
    en, zh, bare, base = repos
    en.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    to = en.commit("Edit tensors")
    parent = zh.rev("HEAD")
    result = _sync(en.path, bare, base, parent=parent, update_branch=True, history=True)
    with GitRepo(bare, "target") as repo:
        assert repo.branch_head(BRANCH) == result.commit
        assert repo.repo.git.rev_parse(f"{result.commit}^") == parent
    state = json.loads(show(bare, result.commit, ".amts/state.json"))
    assert state["source_revision"] == to
    history = SyncHistory.from_bytes(show(bare, result.commit, HISTORY_PATH))
    assert [(e.base, e.to) for e in history.syncs] == [(base, to)]


def test_update_branch_moves_the_branch_from_its_parent_and_appends_records(repos) -> None:
    """A second sync continues the branch: on top of its head, records appended."""
    en, zh, bare, base = repos
    en.write(AUTOGRAD, AUTOGRAD_EN)
    first_to = en.commit("Add autograd")
    first = _sync(en.path, bare, base, parent=zh.rev("HEAD"), update_branch=True, history=True)
    en.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    second_to = en.commit("Edit tensors")
    # state read at the parent (the branch head): no base needed
    second = _sync(en.path, bare, None, parent=first.commit, update_branch=True, history=True)
    assert second.base == first_to
    with GitRepo(bare, "target") as repo:
        assert repo.branch_head(BRANCH) == second.commit
        assert repo.repo.git.rev_parse(f"{second.commit}^") == first.commit
    first_written = WrittenRecord.from_bytes(show(bare, first.commit, WRITTEN_PATH))
    second_written = WrittenRecord.from_bytes(show(bare, second.commit, WRITTEN_PATH))
    assert first_written.sentences
    assert second_written.sentences[: len(first_written.sentences)] == first_written.sentences
    history = SyncHistory.from_bytes(show(bare, second.commit, HISTORY_PATH))
    assert [(e.base, e.to) for e in history.syncs] == [(base, first_to), (first_to, second_to)]
    body = history.render(retry_command="/amts sync")
    assert body.index("### Sync 2") < body.index("### Sync 1")  # newest first
    assert f"from `{base[:8]}` to `{second_to[:8]}`" in body
    assert "/amts sync" in body


def test_a_new_branch_starts_its_records_anew(repos) -> None:
    """Records found at a parent that is not the branch (a merged PR's) are not carried."""
    en, zh, bare, base = repos
    en.write(AUTOGRAD, AUTOGRAD_EN)
    en.commit("Add autograd")
    first = _sync(en.path, bare, base, parent=zh.rev("HEAD"), update_branch=True, history=True)
    en.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    en.commit("Edit tensors")
    with GitRepo(bare, "target") as repo:
        repo.repo.git.update_ref("-d", f"refs/heads/{BRANCH}")  # as if merged: a new PR
    second = _sync(en.path, bare, None, parent=first.commit, update_branch=True, history=True)
    history = SyncHistory.from_bytes(show(bare, second.commit, HISTORY_PATH))
    assert len(history.syncs) == 1
    written = WrittenRecord.from_bytes(show(bare, second.commit, WRITTEN_PATH))
    assert {s.path for s in written.sentences} <= {TENSORS}


def test_the_branch_is_never_moved_from_elsewhere_than_the_parent(repos) -> None:
    """``update_branch`` refuses a branch that is not at the parent: never a rewrite."""
    en, zh, bare, base = repos
    en.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    en.commit("Edit tensors")
    zh.write("notes.md", "# Notes\n")
    other = zh.commit("Someone else's commit")
    zh.git("push", "-q", str(bare), f"{other}:refs/heads/{BRANCH}")
    with pytest.raises(InputError, match="not at the parent"):
        _sync(en.path, bare, base, parent=zh.rev("HEAD~1"), update_branch=True)
    with pytest.raises(InputError, match="already exists"):
        _sync(en.path, bare, base, parent=zh.rev("HEAD~1"))
    with GitRepo(bare, "target") as repo:
        assert repo.branch_head(BRANCH) == other


def test_history_body_fits_the_limit() -> None:
    """Old syncs are cut to their summary line when the body would be too long."""
    entries = [
        SyncEntry(f"{n:040x}", f"{n + 1:040x}", f"title {n}", "x" * 3000, f"{n} updated")
        for n in range(30)
    ]
    body = SyncHistory(entries).render(limit=10_000)
    assert len(body) <= 10_000
    assert "### Sync 30" in body and "x" * 3000 in body
    assert "29 updated" in body or "earlier syncs" in body


def test_a_sync_cut_to_its_summary_still_names_its_lag() -> None:
    """The lag a sync did not carry and the command that carries it survive the cut."""
    lag = "`a.md` lags 3 blocks behind the English; `/amts catch-up a.md` carries them"
    old = SyncEntry("0" * 40, "1" * 40, "title 1", "y" * 9000, "1 updated", lag=[lag])
    new = SyncEntry("1" * 40, "2" * 40, "title 2", "x" * 3000, "1 updated")
    body = SyncHistory([old, new]).render(limit=10_000)
    assert "y" * 9000 not in body and "1 updated (details in" in body
    assert f"- {lag}" in body
    # Kept in .amts/report.json, read back as written.
    assert SyncHistory.from_bytes(SyncHistory([old]).to_bytes()).syncs[0].lag == [lag]


def test_a_pull_request_of_catch_ups_only_says_so() -> None:
    """A catch-up goes from the English the target follows to itself: no range to name."""
    entry = SyncEntry("a" * 40, "a" * 40, "Catch up", "body", "1 updated")
    body = SyncHistory([entry]).render()
    assert body.startswith("This pull request carries the lag behind the English source at")
    assert "from `aaaaaaaa` to" not in body


def test_broken_records_name_the_file() -> None:
    with pytest.raises(InputError, match=r"written\.json"):
        WrittenRecord.from_bytes(b"[]", ".amts/written.json")


@pytest.mark.parametrize("count", [0, 1, 3])
def test_written_json_is_what_json_dumps_writes(count: int) -> None:
    """Made one sentence at a time, the record has json.dumps(indent=2)'s bytes."""
    sentences = [
        WrittenSentence(
            f"ch/{n}.md", 'A "quoted"\\ line\n\tand \u2028 more.', "张量 «x» 🙂", "memory"
        )
        for n in range(count)
    ]
    record = WrittenRecord(sentences)
    data = {"version": 1, "sentences": [asdict(s) for s in sentences]}
    expected = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert record.to_bytes() == expected
    assert WrittenRecord.from_bytes(record.to_bytes()).sentences == sentences
