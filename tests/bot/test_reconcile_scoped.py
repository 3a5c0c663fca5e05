"""Reconcile is scoped (issue 11, item 3): an installation's event reconciles only that
installation, and a broken book (nested too deep for the parser, or too large for the
contents API) is reported on its own repository while the others are reconciled."""

from __future__ import annotations

from pathlib import Path

from bot.sync.reconcile import reconcile
from tests.bot.bookworld import INSTALLATION, SOURCE, ZH, World, book_world
from tests.bot.webhooks import installation_payload

DEEP = "d2l-ai/deep"
HUGE = "d2l-ai/huge"
OTHER = "other-org/book"
BROKEN = {
    DEEP: "targets: " + "[" * 1000 + "]" * 1000 + "\n",  # 2 KB: RecursionError in PyYAML
    HUGE: "# padding\n" * 110_000 + "targets: []\n",  # 1.1 MB: no content from the API
}


def add_broken_book(world: World, name: str, text: str, installation: int) -> str:
    world.emulator.add_repo(name, world.en.path, installation_id=installation)
    return world.emulator.push_as_human(name, "main", {".github/amts.yml": text})


def failed_checks(world: World, repo: str, sha: str) -> list[dict]:
    return [c for c in world.emulator.check_runs(repo, sha) if c["conclusion"] == "failure"]


def test_a_broken_book_is_reported_on_itself_and_the_others_go_on(tmp_path: Path) -> None:
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        heads = {
            name: add_broken_book(world, name, text, INSTALLATION) for name, text in BROKEN.items()
        }
        head = world.push_english({"chapter_basics/new.md": "# New\n"})
        verdicts = reconcile(world.services)
        assert [(v.source_repo, v.target_repo, v.queued) for v in verdicts] == [(SOURCE, ZH, True)]
        assert [(j["target_repo"], j["after"]) for j in world.jobs("sync")] == [(ZH, head)]
        for name, sha in heads.items():
            [check] = failed_checks(world, name, sha)
            assert check["output"]["title"] == "Invalid .github/amts.yml: (file)", name
        reconcile(world.services)  # the next run: still reconciled, not reported twice
        assert all(len(failed_checks(world, n, sha)) == 1 for n, sha in heads.items())


def test_an_installation_event_reconciles_only_that_installation(tmp_path: Path) -> None:
    with book_world(tmp_path) as world:
        world.open_sync_pr()
        other = add_broken_book(world, OTHER, BROKEN[DEEP], installation=2)
        head = world.push_english({"chapter_basics/new.md": "# New\n"})
        world.dispatch("installation_repositories", installation_payload("added", INSTALLATION))
        assert world.queue.waiting() == [("reconcile", INSTALLATION)]
        reconcile(world.services, INSTALLATION)  # what the queued job runs
        assert [(j["target_repo"], j["after"]) for j in world.jobs("sync")] == [(ZH, head)]
        assert failed_checks(world, OTHER, other) == []  # installation 2 was not read
        assert world.emulator.find_requests("GET", f"/repos/{OTHER}/contents/*") == []
        reconcile(world.services, 2)
        assert len(failed_checks(world, OTHER, other)) == 1
        assert len(world.jobs("sync")) == 1
