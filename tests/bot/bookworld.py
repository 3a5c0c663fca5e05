"""A book on the GitHub emulator with the App's real services, for the handler tests.

The English sample book (``d2l-ai/d2l-en``, with ``.github/amts.yml``) and its Chinese
translation in d2l-zh's layout (``d2l-ai/d2l-zh``) live in the emulator; the App talks to
them with PyGithub over HTTP and git over smart HTTP; jobs go to a real huey queue on
SQLite in the test's tmp dir, and are read back from it. Payloads are small, written
here in the shape of GitHub's (``../shared/github-webhooks``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github import Github

from bot.event import Event
from bot.handlers import router
from bot.services import Services
from bot.settings import Settings
from bot.sync.run import run_sync
from bot.work.jobs import SyncJob
from bot.work.queue import Queue
from tests.bot.webhooks import SECRET
from tests.emulators.github import GitHubEmulator
from tests.emulators.servers import github_emulator
from tests.gitrepos import GitDir, english_book, zh_book

SOURCE = "d2l-ai/d2l-en"
ZH = "d2l-ai/d2l-zh"
INSTALLATION = 1
CONFIG = f"""\
source_lang: en
targets:
  - repo: {ZH}
    lang: zh
engine: memory
branch: amts/sync
labels: [translation-sync]
"""


TENSORS = "chapter_basics/tensors.md"
INDEX = "chapter_basics/index.md"
NUMEL = "We can check the total number of elements with `numel`."
SHAPE = "Every tensor has a shape."
TOOLS = "This chapter introduces every tool we use in the book."
#: English edits whose new sentences no translation memory knows at first.
ENGLISH_EDITS = {
    TENSORS: (
        ("We can check the number of elements with `numel`.", NUMEL),
        ("The shape is available as an attribute.", SHAPE),
    ),
    INDEX: (("This chapter introduces the tools we use throughout the book.", TOOLS),),
}


@dataclass
class World:
    """The emulator, the App's services and the local clones the repositories came from."""

    emulator: GitHubEmulator
    services: Services
    queue: Queue
    en: GitDir
    zh: GitDir
    first_english: str  # the English revision the translation follows at the start
    pr: int = 0  # the sync PR, once :meth:`open_sync_pr` opened it
    _delivery: int = field(default=0)

    @property
    def gh(self) -> Github:
        return self.services.github.client(INSTALLATION)

    def dispatch(self, name: str, data: dict[str, Any]) -> str:
        """Dispatch one delivery to every handler, as the worker's task does; its id."""
        self._delivery += 1
        delivery_id = f"delivery-{self._delivery}"
        router.dispatch(Event(name, delivery_id, data), self.gh, services=self.services)
        return delivery_id

    def jobs(self, task: str | None = None) -> list[dict[str, Any]]:
        """The payloads waiting in the queue (of ``task`` only, if given)."""
        return [payload for name, payload in self.queue.waiting() if task in (None, name)]

    def push_english(self, files: dict[str, str | None], message: str = "Edit") -> str:
        """A maintainer's push to the English default branch; the new head."""
        return self.emulator.push_as_human(SOURCE, "main", files, message)

    def edit_english(self, path: str, *edits: tuple[str, str]) -> str:
        """Push a replacement of sentences of ``path`` in the English; the new head."""
        text = self.emulator.read_file(SOURCE, "main", path) or ""
        for old, new in edits:
            assert old in text, f"{old!r} not in {path}"
            text = text.replace(old, new)
        return self.push_english({path: text}, f"Edit {path}")

    def open_sync_pr(self) -> int:
        """Carry :data:`ENGLISH_EDITS` into the translation with the App's own sync; the
        sync PR's number. The memory engine leaves the changed sentences in English and
        records them in ``.amts/written.json``."""
        after = ""
        for path, edits in ENGLISH_EDITS.items():
            after = self.edit_english(path, *edits)
        outcome = run_sync(
            self.services,
            SyncJob(SOURCE, ZH, "zh", INSTALLATION, "test", before=self.first_english, after=after),
        )
        assert outcome.status == "opened", outcome
        assert outcome.pr_number is not None
        self.pr = outcome.pr_number
        return self.pr

    def push_payload(self, before: str, after: str, ref: str = "refs/heads/main") -> dict:
        return {
            "ref": ref,
            "before": before,
            "after": after,
            "created": False,
            "deleted": False,
            "forced": False,
            "repository": self.emulator.repo_json(SOURCE),
            "pusher": {"name": "astonzhang", "email": "aston@example.com"},
            "sender": {"login": "astonzhang", "type": "User"},
            "installation": {"id": INSTALLATION},
        }

    def comment_payload(self, number: int, body: str, user: str = "maintainer") -> dict:
        """An ``issue_comment`` ``created`` delivery for a comment the emulator records."""
        comment = self.emulator.add_comment(ZH, number, body, user=user)
        return {
            "action": "created",
            "issue": self.emulator.issue(ZH, number),
            "comment": comment,
            "repository": self.emulator.repo_json(ZH),
            "sender": comment["user"],
            "installation": {"id": INSTALLATION},
        }


@contextmanager
def book_world(
    tmp_path: Path, *, config: str | None = CONFIG, queue_url: str = "", **settings_given: Any
) -> Iterator[World]:
    """The world, torn down afterwards; ``config=None``: the book has no amts.yml;
    ``queue_url``: another queue than SQLite in the data directory; ``settings_given``:
    more :class:`Settings` fields (``status_token=...``)."""
    books = tmp_path / "books"
    en = english_book(books)
    first = en.rev("HEAD")
    if config is not None:
        en.write(".github/amts.yml", config)
        first = en.commit("Configure AMTS")
    zh = zh_book(books)
    with github_emulator(tmp_path) as emulator:
        emulator.add_repo(SOURCE, en.path, installation_id=INSTALLATION)
        emulator.add_repo(ZH, zh.path, installation_id=INSTALLATION)
        settings = Settings(
            webhook_secret=SECRET,
            app_id=emulator.app_id,
            private_key=emulator.private_key_pem,
            api_url=emulator.api_url,
            data_dir=tmp_path / "amts-data",
            queue_url=queue_url,
            **settings_given,
        )
        holder: list[Services] = []
        queue = Queue.from_settings(settings, services=lambda: holder[0], retry_delay=0.2)
        services = Services.build(settings, queue)
        holder.append(services)
        try:
            yield World(emulator, services, queue, en, zh, first)
        finally:
            queue.close()


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(0.1)
