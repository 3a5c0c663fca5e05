"""The sync of one target, end to end: real git repositories (the sample English book, its
d2l-zh and d2l-pt translations), the GitHub emulator over real HTTP, PyGithub for real,
and :func:`bot.sync.run_sync` called as the worker calls it.

Scenarios of issue 7: (a) a PR per target, (b) translators' commits kept, (c) many changes,
one PR, idempotent, (d) merged and closed PRs, (f) failures and retries, (h) a rewritten
English history.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from amts.errors import AmtsError
from bot.github import GitHubApp, make_retry
from bot.jobs import SyncJob, Tenant
from bot.mirrors import Mirrors
from bot.queue import Queue
from bot.services import Services
from bot.settings import Settings
from bot.sync import run_sync
from tests.emulators.github import GitHubEmulator, git_auth_env
from tests.emulators.servers import github_emulator
from tests.gitrepos import (
    BASICS,
    INDEX,
    TENSORS,
    GitDir,
    change_english,
    english_book,
    pt_book,
    zh_book,
)

EN, ZH, PT = "d2l-ai/d2l-en", "d2l-ai/d2l-zh", "d2l-ai/d2l-pt"
CONFIG = f"""\
source_lang: en
targets:
  - repo: {ZH}
    lang: zh
  - repo: {PT}
    lang: pt
engine: memory
branch: amts/sync
labels: [translation-sync]
reviewers: [reviewer]
"""
BRANCH = "amts/sync"
ZH_MATRIX = "矩阵有两个轴。"
ZH_MATRIX_EDITED = "而矩阵则有两个轴。"
INDEX_OLD = "This chapter introduces the tools we use throughout the book."
INDEX_NEW = "This chapter introduces the tools that we use in every chapter of the book."


@dataclass
class World:
    emulator: GitHubEmulator
    services: Services
    en: GitDir  # the English book's working copy; pushed to the emulator
    base: str  # the English revision both translations follow at the start

    def push_english(self, *, force: bool = False) -> str:
        """Push the local English main to the emulator; its sha. ``force``: a maintainer's
        force-push (the emulator refuses non-fast-forward pushes, so the branch is set)."""
        env = {**os.environ, **git_auth_env(self.emulator.issue_token())}
        url = self.emulator.clone_url(EN)
        ref = "refs/heads/rewritten" if force else "refs/heads/main"
        subprocess.run(
            ["git", "-C", str(self.en.path), "push", "-q", url, f"main:{ref}"],
            env=env,
            check=True,
            capture_output=True,
        )
        head = self.en.rev("HEAD")
        if force:
            self.emulator.set_branch(EN, "main", head)
            self.emulator.delete_branch(EN, "rewritten")
        return head

    def job(self, target: str, lang: str, *, before: str = "", delivery: str = "d-1") -> SyncJob:
        return SyncJob(
            source_repo=EN,
            target_repo=target,
            lang=lang,
            installation_id=1,
            reason="push",
            delivery_id=delivery,
            before=before,
            after=self.en.rev("HEAD"),
        )

    def sync(self, target: str = ZH, lang: str = "zh", **job):
        return run_sync(self.services, self.job(target, lang, **job))

    def file(self, repo: str, ref: str, path: str) -> str | None:
        return self.emulator.read_file(repo, ref, path)

    def open_pulls(self, repo: str) -> list[dict]:
        return self.emulator.pulls(repo, state="open")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    books = tmp_path / "books"
    en = english_book(books)
    en.write(".github/amts.yml", CONFIG)
    base = en.commit("Configure AMTS")
    zh = zh_book(books)
    zh.write(".amts/state.json", json.dumps({"source_revision": base}) + "\n")
    zh.commit("Follow the English book")
    pt = pt_book(books)  # no state file: starts from the push's `before`
    with github_emulator(tmp_path) as emulator:
        emulator.add_repo(EN, en.path)
        emulator.add_repo(ZH, zh.path)
        emulator.add_repo(PT, pt.path)
        for repo in (ZH, PT):
            emulator.set_permission(repo, "reviewer", "write")
        settings = Settings(
            webhook_secret="test-secret",
            app_id=emulator.app_id,
            private_key=emulator.private_key_pem,
            api_url=emulator.api_url,
            data_dir=tmp_path / "amts-data",
        )
        queue = Queue.from_settings(settings)
        app = GitHubApp(settings, retry=make_retry(secondary_rate_wait=1, backoff_factor=0.1))
        services = Services(settings, app, Mirrors(settings.data_dir), queue, queue.status)
        try:
            yield World(emulator, services, en, base)
        finally:
            queue.close()


def _branch_files_changed(world: World, repo: str, branch: str) -> set[str]:
    default = world.emulator.repo(repo).default_branch
    out = world.emulator.git(repo, "diff", "--no-renames", "--name-only", default, branch)
    return set(out.split())


# -- (a) ---------------------------------------------------------------------------------


def test_a_an_english_change_opens_a_pr_on_each_target(world: World, caplog) -> None:
    """One PR per configured target, with the carried files, labels, reviewers and body."""
    change_english(world.en)
    head = world.push_english()
    caplog.set_level(logging.INFO, logger="bot")
    zh = world.sync(ZH, "zh", before=world.base, delivery="delivery-42")
    pt = world.sync(PT, "pt", before=world.base)
    assert (zh.status, pt.status) == ("opened", "opened"), (zh, pt)
    for repo, outcome in ((ZH, zh), (PT, pt)):
        (pull,) = world.open_pulls(repo)
        assert pull["number"] == outcome.pr_number
        assert pull["head"]["ref"] == BRANCH and pull["base"]["ref"] == "main"
        assert [label["name"] for label in pull["labels"]] == ["translation-sync"]
        assert [user["login"] for user in pull["requested_reviewers"]] == ["reviewer"]
        assert pull["title"] == f"Sync with the English source at {head[:8]}: 4 files"
        body = pull["body"]
        assert f"`{world.base[:8]}` to `{head[:8]}`" in body
        assert f"`{TENSORS}` | modified | updated" in body
        assert "/amts sync" in body
        state = json.loads(world.file(repo, BRANCH, ".amts/state.json"))
        assert state["source_revision"] == head
        assert world.file(repo, BRANCH, ".amts/written.json") is not None
        assert world.file(repo, BRANCH, TENSORS) != world.file(repo, "main", TENSORS)
        assert world.file(repo, BRANCH, f"{BASICS}/linear.md") is None  # deleted with English
    assert _branch_files_changed(world, ZH, BRANCH) == {
        TENSORS,
        f"{BASICS}/tensors_origin.md",
        f"{BASICS}/autograd.md",
        f"{BASICS}/autograd_origin.md",
        f"{BASICS}/linear.md",
        f"{BASICS}/linear_origin.md",
        f"{BASICS}/data.md",
        f"{BASICS}/data_origin.md",
        "chapter_preliminaries/data.md",
        "chapter_preliminaries/data_origin.md",
        ".amts/state.json",
        ".amts/written.json",
        ".amts/report.json",
    }
    assert world.file(ZH, BRANCH, f"{BASICS}/tensors_origin.md") == world.en.show(
        head, TENSORS
    ).decode("utf-8")
    opened = [r for r in caplog.records if r.getMessage().startswith("sync.pr_opened")]
    assert any(
        f"repo={ZH}" in r.getMessage() and "lang=zh" in r.getMessage()
        and "delivery=delivery-42" in r.getMessage()
        for r in opened
    )  # fmt: skip
    status = world.services.status.get(ZH, key=Tenant(1, EN, ZH).key)
    assert status["synced_revision"] == head and status["pr_url"] == zh.pr_url
    assert status["last_error"] is None
    assert not world.emulator.forced_updates


# -- (b) ---------------------------------------------------------------------------------


def test_b_a_translators_commit_on_the_sync_branch_is_kept(world: World) -> None:
    """The next sync goes on top of the translator's commit; only fast-forward pushes."""
    change_english(world.en)
    world.push_english()
    first = world.sync()
    text = world.file(ZH, BRANCH, TENSORS)
    assert ZH_MATRIX in text
    human = world.emulator.push_as_human(
        ZH, BRANCH, {TENSORS: text.replace(ZH_MATRIX, ZH_MATRIX_EDITED)}, "Better wording"
    )
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    world.en.edit(TENSORS, "with 36 elements", "with 48 elements")
    head = world.en.commit("Reword the introduction")
    world.push_english()
    second = world.sync()
    assert second.status == "updated" and second.pr_number == first.pr_number
    new_head = world.emulator.branch_sha(ZH, BRANCH)
    assert new_head == second.commit
    assert world.emulator.is_ancestor(ZH, human, new_head)
    tensors = world.file(ZH, BRANCH, TENSORS)
    assert ZH_MATRIX_EDITED in tensors  # the translator's line, unchanged
    assert "48" in tensors and "36" not in tensors.split("## ")[-1]  # the English change
    assert world.file(ZH, BRANCH, f"{BASICS}/index_origin.md") == world.en.show(head, INDEX).decode(
        "utf-8"
    )
    assert json.loads(world.file(ZH, BRANCH, ".amts/state.json"))["source_revision"] == head
    updates = [u for u in world.emulator.ref_updates if u.repo.lower() == ZH]
    assert updates and all(u.accepted and not u.forced for u in updates)
    assert not world.emulator.forced_updates
    (pull,) = world.open_pulls(ZH)
    assert "### Sync 2" in pull["body"] and "### Sync 1" in pull["body"]
    written = json.loads(world.file(ZH, BRANCH, ".amts/written.json"))["sentences"]
    first_written = json.loads(world.file(ZH, first.commit, ".amts/written.json"))["sentences"]
    assert written[: len(first_written)] == first_written  # appended


def test_b_a_translator_pushing_during_the_sync_is_not_overwritten(world: World, monkeypatch):
    """A push rejected because the branch moved is redone on top of the new head."""
    change_english(world.en)
    world.push_english()
    world.sync()
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    world.en.commit("Reword the introduction")
    world.push_english()
    mirrors = world.services.mirrors
    real_push = Mirrors.push
    human: list[str] = []

    def push_after_a_human(self, *args, **kwargs):
        if not human:  # a translator pushes between our fetch and our push, once
            text = world.file(ZH, BRANCH, TENSORS)
            human.append(
                world.emulator.push_as_human(
                    ZH, BRANCH, {TENSORS: text.replace(ZH_MATRIX, ZH_MATRIX_EDITED)}
                )
            )
        return real_push(self, *args, **kwargs)

    monkeypatch.setattr(Mirrors, "push", push_after_a_human)
    outcome = world.sync()
    assert outcome.status == "updated", outcome
    assert world.emulator.is_ancestor(ZH, human[0], world.emulator.branch_sha(ZH, BRANCH))
    assert ZH_MATRIX_EDITED in world.file(ZH, BRANCH, TENSORS)
    assert not world.emulator.forced_updates
    assert mirrors is world.services.mirrors


# -- (c) ---------------------------------------------------------------------------------


def test_c_ten_changes_one_pr_per_target_and_a_second_run_changes_nothing(world: World) -> None:
    for number in range(10):
        world.en.write(
            f"chapter_notes/note{number}.md",
            f"# Note {number}\n\nA tensor is an array with any number of axes.\n",
        )
        world.en.commit(f"Note {number}")
    head = world.push_english()
    for repo, lang in ((ZH, "zh"), (PT, "pt")):
        outcome = world.sync(repo, lang, before=world.base)
        assert outcome.status == "opened", outcome
        assert json.loads(world.file(repo, BRANCH, ".amts/state.json"))["source_revision"] == head
        assert world.file(repo, BRANCH, "chapter_notes/note9.md") is not None
    requests = len(world.emulator.requests)
    updates = len(world.emulator.ref_updates)
    for repo, lang in ((ZH, "zh"), (PT, "pt")):
        again = world.sync(repo, lang, before=world.base)
        assert again.status == "nothing", again
        assert len(world.open_pulls(repo)) == 1
        assert len(world.emulator.pulls(repo)) == 1
    assert len(world.emulator.ref_updates) == updates  # nothing pushed
    writes = [r for r in world.emulator.requests[requests:] if r.method in ("POST", "PATCH", "PUT")]
    api_writes = [r.path for r in writes if r.path.startswith("/repos/")]
    assert api_writes == []  # no PR opened, edited, commented or labelled


# -- (d) ---------------------------------------------------------------------------------


def test_d_after_a_merged_pr_the_next_change_opens_a_new_one(world: World) -> None:
    change_english(world.en)
    world.push_english()
    first = world.sync()
    world.emulator.merge_pr(ZH, first.pr_number)
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    head = world.en.commit("Reword the introduction")
    world.push_english()
    second = world.sync()
    assert second.status == "opened" and second.pr_number != first.pr_number
    (pull,) = world.open_pulls(ZH)
    assert pull["number"] == second.pr_number
    assert pull["head"]["ref"] == BRANCH  # the merged branch moved on (a fast-forward)
    assert world.emulator.pull(ZH, first.pr_number)["merged"] is True
    state = json.loads(world.file(ZH, BRANCH, ".amts/state.json"))
    assert state["source_revision"] == head
    history = json.loads(world.file(ZH, BRANCH, ".amts/report.json"))
    assert len(history["syncs"]) == 1  # a new PR describes only itself
    assert _branch_files_changed(world, ZH, BRANCH) == {
        INDEX,
        f"{BASICS}/index_origin.md",
        ".amts/state.json",
        ".amts/written.json",
        ".amts/report.json",
    }
    assert not world.emulator.forced_updates


def test_d_a_closed_pr_is_not_reopened_and_a_new_branch_is_used(world: World) -> None:
    change_english(world.en)
    world.push_english()
    first = world.sync()
    closed_head = world.emulator.branch_sha(ZH, BRANCH)
    world.emulator.close_pr(ZH, first.pr_number)
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    head = world.en.commit("Reword the introduction")
    world.push_english()
    second = world.sync()
    assert second.status == "opened" and second.pr_number != first.pr_number
    assert world.emulator.pull(ZH, first.pr_number)["state"] == "closed"
    assert world.emulator.branch_sha(ZH, BRANCH) == closed_head  # never rewritten
    (pull,) = world.open_pulls(ZH)
    assert pull["head"]["ref"] == f"{BRANCH}-{head[:8]}"
    # from the default branch: both English changes, since the closed PR merged nothing
    assert f"{BASICS}/autograd.md" in _branch_files_changed(world, ZH, pull["head"]["ref"])
    # and the next sync continues that PR
    world.en.edit(TENSORS, "with 36 elements", "with 48 elements")
    world.en.commit("More elements")
    world.push_english()
    third = world.sync()
    assert third.status == "updated" and third.pr_number == second.pr_number
    assert not world.emulator.forced_updates


# -- (f) ---------------------------------------------------------------------------------


def test_f_an_engine_failure_is_commented_on_the_pr(world: World, monkeypatch) -> None:
    change_english(world.en)
    world.push_english()
    first = world.sync()
    world.en.write(f"{BASICS}/new.md", "# New\n\nNobody has translated this sentence yet.\n")
    world.en.commit("A new section")
    world.push_english()

    def broken(self, *args, **kwargs):
        raise AmtsError("the translation engine is down (503)")

    monkeypatch.setattr("amts.engines.memory.MemoryEngine.translate", broken)
    outcome = world.sync()
    assert outcome.status == "failed" and "translation engine failed" in outcome.error
    (comment,) = world.emulator.comments(ZH, first.pr_number)
    assert "the translation engine failed" in comment["body"]
    assert "(503)" not in comment["body"]  # the engine's own message is in the log only
    assert "`/amts sync`" in comment["body"]
    assert world.services.status.get(ZH, key=Tenant(1, EN, ZH).key)["last_error"]


def test_f_a_failure_without_a_pr_is_a_failed_check_run(world: World) -> None:
    world.en.edit(".github/amts.yml", "engine: memory", "engine: amazon")
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    head = world.en.commit("Use Amazon")
    world.push_english()
    outcome = world.sync()  # no AMTS_AWS_* settings: the engine cannot start
    assert outcome.status == "failed"
    (run,) = world.emulator.check_runs(EN, head)
    assert (run["name"], run["conclusion"]) == ("amts", "failure")
    assert "/amts sync" in run["output"]["summary"]
    assert world.open_pulls(ZH) == []


def test_f_a_502_on_pr_creation_and_a_rate_limit_are_retried(world: World) -> None:
    change_english(world.en)
    world.push_english()
    world.emulator.rate_limit_next("GET", f"/repos/{ZH}", retry_after=1)
    world.emulator.fail_next("POST", f"/repos/{ZH}/pulls", status=502)
    outcome = world.sync()
    assert outcome.status == "opened", outcome
    assert len(world.emulator.pulls(ZH)) == 1
    posts = world.emulator.find_requests("POST", f"/repos/{ZH}/pulls")
    assert [r.status for r in posts] == [502, 201]
    gets = world.emulator.find_requests("GET", f"/repos/{ZH}")
    assert [r.status for r in gets][:2] == [403, 200]


# -- (h) ---------------------------------------------------------------------------------


def test_h_a_rewritten_english_history_syncs_from_the_merge_base(world: World) -> None:
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    dropped = world.en.commit("Reword the introduction")
    world.push_english()
    first = world.sync()
    assert first.status == "opened"
    # The English maintainers drop that commit and push something else instead.
    world.en.git("reset", "-q", "--hard", world.base)
    world.en.edit(TENSORS, "with 24 elements", "with 30 elements")
    head = world.en.commit("Another change")
    world.push_english(force=True)
    assert not world.emulator.is_ancestor(EN, dropped, head)
    second = world.sync()
    assert second.status == "updated", second
    (pull,) = world.open_pulls(ZH)
    assert "history was rewritten" in pull["body"]
    assert f"`{dropped[:8]}`" in pull["body"] and f"`{world.base[:8]}`" in pull["body"]
    assert json.loads(world.file(ZH, BRANCH, ".amts/state.json"))["source_revision"] == head
    # the English now has the old introduction again, and the new tensors exercise
    assert world.file(ZH, BRANCH, f"{BASICS}/index_origin.md") == world.en.show(head, INDEX).decode(
        "utf-8"
    )
    assert "30" in world.file(ZH, BRANCH, TENSORS)
    assert not world.emulator.forced_updates


def test_f_a_pr_that_could_not_be_opened_is_opened_by_the_next_run(world: World) -> None:
    """The branch was pushed but GitHub kept refusing the PR: the next run opens it on that
    branch without a second commit (nothing half-done is redone or lost)."""
    change_english(world.en)
    head = world.push_english()
    world.emulator.fail_next("POST", f"/repos/{ZH}/pulls", status=502, times=20)
    failed = world.sync()
    assert failed.status == "failed" and "a GitHub API call failed" in failed.error
    pushed = world.emulator.branch_sha(ZH, BRANCH)
    assert pushed is not None and world.emulator.pulls(ZH) == []
    (run,) = world.emulator.check_runs(EN, head)
    assert run["conclusion"] == "failure" and "/amts sync" in run["output"]["summary"]
    world.emulator.faults.clear()
    healed = world.sync()
    assert healed.status == "opened" and healed.commit == pushed
    assert world.emulator.branch_sha(ZH, BRANCH) == pushed  # no second commit
    (pull,) = world.open_pulls(ZH)
    assert pull["head"]["ref"] == BRANCH
    assert not world.emulator.forced_updates


def test_the_targets_cached_translation_memory_is_used(world: World) -> None:
    """A memory refreshed on merge (bot.refresh's cache) steers the next sync."""
    from bot.refresh import MemoryCache

    pairs = [
        ("A tensor is an array with any number of axes.", "张量是具有任意数量轴的数组。"),
        ("Gradients tell us how to change the parameters.", "梯度告诉我们如何改变参数。"),
    ]
    cache = MemoryCache.of(world.services.settings.data_dir, Tenant(1, EN, ZH), "zh")
    cache.write(pairs, "en", "zh", world.emulator.branch_sha(ZH, "main"))
    change_english(world.en)
    world.push_english()
    assert world.sync().status == "opened"
    autograd = world.file(ZH, BRANCH, f"{BASICS}/autograd.md")
    assert "梯度告诉我们如何改变参数。" in autograd
    written = json.loads(world.file(ZH, BRANCH, ".amts/written.json"))["sentences"]
    assert {"path": f"{BASICS}/autograd.md", "source": pairs[1][0], "target": pairs[1][1],
            "origin": "memory"} in written  # fmt: skip


def test_a_memory_mined_from_the_default_branch_becomes_the_cache(world: World) -> None:
    """The first sync mines the target; the next one starts from that memory."""
    from amts.memory import TranslationMemory
    from bot.refresh import MemoryCache

    cache = MemoryCache.of(world.services.settings.data_dir, Tenant(1, EN, ZH), "zh")
    assert cache.path() is None
    change_english(world.en)
    world.push_english()
    assert world.sync().status == "opened"
    assert cache.revision() == world.emulator.branch_sha(ZH, "main")
    memory = TranslationMemory.from_file(cache.tsv, "en", "zh")
    assert memory.lookup("Linear regression predicts a number from features.") is not None


def test_a_glossary_missing_from_the_target_is_named(world: World) -> None:
    world.en.edit(".github/amts.yml", "    lang: zh\n", "    lang: zh\n    glossary: TERMS.md\n")
    change_english(world.en)
    world.push_english()
    outcome = world.sync()
    assert outcome.status == "failed"
    assert "glossary" in outcome.error and "TERMS.md is not in d2l-ai/d2l-zh" in outcome.error


def test_d_after_a_squash_merge_the_old_branch_is_left_alone(world: World) -> None:
    """A squash-merged branch is in no branch: a new name, never a rewrite."""
    change_english(world.en)
    world.push_english()
    first = world.sync()
    old_head = world.emulator.branch_sha(ZH, BRANCH)
    world.emulator.merge_pr(ZH, first.pr_number, method="squash")
    world.en.edit(INDEX, INDEX_OLD, INDEX_NEW)
    head = world.en.commit("Reword the introduction")
    world.push_english()
    second = world.sync()
    assert second.status == "opened" and second.branch == f"{BRANCH}-{head[:8]}"
    assert world.emulator.branch_sha(ZH, BRANCH) == old_head
    # the squash carried the first sync's state: only the second change is new
    assert _branch_files_changed(world, ZH, second.branch) == {
        INDEX,
        f"{BASICS}/index_origin.md",
        ".amts/state.json",
        ".amts/written.json",
        ".amts/report.json",
    }
    assert not world.emulator.forced_updates
