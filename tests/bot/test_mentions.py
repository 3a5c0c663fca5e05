"""Nobody is mentioned or back-referenced by what the App posts (issue 11, item 8): the
English sentences a sync quotes in its pull request, neutralised as Dependabot does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.github.mentions import neutralise
from bot.sync.run import run_sync
from bot.work.jobs import SyncJob
from tests.bot.bookworld import INSTALLATION, SOURCE, TENSORS, ZH, book_world

Z = "\u200b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Thanks @octocat!", f"Thanks @{Z}octocat!", id="user"),
        pytest.param("cc @d2l-ai/maintainers", f"cc @{Z}d2l-ai/maintainers", id="team"),
        pytest.param("see #12.", f"see #{Z}12.", id="issue"),
        pytest.param("see d2l-ai/d2l-en#1", f"see d2l-ai/d2l-en#{Z}1", id="other repository"),
        pytest.param(
            "at https://github.com/d2l-ai/d2l-en/issues/3 now",
            "at `https://github.com/d2l-ai/d2l-en/issues/3` now",
            id="issue link",
        ),
        pytest.param(
            "[PR](https://github.com/o/r/pull/4)",
            "[PR](`https://github.com/o/r/pull/4`)",
            id="markdown link to a pull request",
        ),
        pytest.param("mail me@example.com", "mail me@example.com", id="e-mail address"),
        pytest.param("page#1 and &#8203;", "page#1 and &#8203;", id="anchor and entity"),
        pytest.param("https://d2l.ai/x.html#1", "https://d2l.ai/x.html#1", id="other link"),
        pytest.param("a `@octocat` span", "a `@octocat` span", id="code span"),
        pytest.param("```\n@octocat #1\n```\n@x", f"```\n@octocat #1\n```\n@{Z}x", id="fence"),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


MENTIONS = (
    "Thanks @octocat and @d2l-ai/maintainers, see d2l-ai/d2l-en#1, #2 and "
    "https://github.com/d2l-ai/d2l-en/issues/3."
)
LIVE = re.compile(r"(?<![\w`])@[A-Za-z0-9]|(?<![&\w])#\d|d2l-en#\d|(?<!`)https://github\.com/")


def test_a_sync_prs_body_mentions_nobody(tmp_path: Path) -> None:
    """The body quotes the English sentence outside code too (its table): never live."""
    with book_world(tmp_path) as world:
        after = world.edit_english(
            TENSORS, ("We can check the number of elements with `numel`.", MENTIONS)
        )
        outcome = run_sync(
            world.services,
            SyncJob(SOURCE, ZH, "zh", INSTALLATION, "t", before=world.first_english, after=after),
        )
        assert outcome.status == "opened", outcome
        body = world.emulator.pull(ZH, outcome.pr_number)["body"]
        prose = re.sub(r"```.*?```", "", body, flags=re.S)  # fenced blocks never mention
        assert f"@{Z}octocat" in prose and f"d2l-en#{Z}1" in prose
        assert not LIVE.findall(prose)
