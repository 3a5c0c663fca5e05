"""The ``/amts`` comment commands: what a comment asks for, and running it.

:func:`parse` is pure, so the grammar is tested without GitHub; :func:`run_command` is
the worker's side of an accepted comment (:mod:`bot.handlers.comments` checked the
author's permission and reacted with 👀). Every command ends with a reply on the pull
request saying what happened: the commit made, "nothing to do", or the error and how to
retry it.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from amts.errors import AmtsError, InputError
from bot.errors import BotError
from bot.jobs import CommandJob, SyncJob
from bot.mentions import neutralise
from bot.syncpr import SyncPR, find_sync_pr

if TYPE_CHECKING:
    from bot.services import Services
    from bot.sync import SyncOutcome

logger = logging.getLogger(__name__)

PREFIX = "/amts"
HELP = """\
AMTS commands, for people with write access to this repository (one per comment):

| command | what it does |
|---|---|
| `/amts sync` | carry the English changes since this pull request's last sync now |
| `/amts retranslate` | translate again the sentences AMTS wrote here that nobody edited since |
| `/amts retranslate PATH [PATH ...]` | the same, for these files only |
| `/amts retranslate PATH#LABEL` | the same, for one section: a heading's `:label:` or its words |
| `/amts catch-up PATH [PATH ...]` | carry the English changes these files or folders lag \
behind into the sync pull request, as one commit (opens one if needed; works on any issue) |
| `/amts catch-up PATH#LABEL` | the same, for one section |
| `/amts help` | this list |

Sentences a translator wrote or edited are never touched by retranslate. A push's sync
carries only that push's English change; older changes a translation lags behind are
carried only by catch-up, never automatically."""


@dataclass(frozen=True)
class Help:
    """``/amts help`` (or a bare ``/amts``)."""


@dataclass(frozen=True)
class Sync:
    """``/amts sync``: run the target's sync now."""


@dataclass(frozen=True)
class Retranslate:
    """``/amts retranslate [PATH[#LABEL]] ...``; no targets: every file AMTS wrote in."""

    targets: tuple[tuple[str, str | None], ...] = field(default=())


@dataclass(frozen=True)
class CatchUp:
    """``/amts catch-up PATH[#LABEL] ...``: carry those files' or sections' lag."""

    targets: tuple[tuple[str, str | None], ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """As the core takes them: ``PATH`` or ``PATH#LABEL``."""
        return tuple(f"{path}#{label}" if label else path for path, label in self.targets)


@dataclass(frozen=True)
class Unknown:
    """Anything else: answered with ``problem`` and the help text."""

    text: str
    problem: str


Command = Help | Sync | Retranslate | CatchUp | Unknown


def is_command(body: str) -> bool:
    """Whether a comment is addressed to AMTS: its text starts with ``/amts``."""
    words = body.strip().split(maxsplit=1)
    return bool(words) and words[0] == PREFIX


def parse(body: str) -> Command:
    """The command on the first line of ``body`` (the rest of a comment is for humans)."""
    line = body.strip().splitlines()[0] if body.strip() else ""
    words = line.split()
    if not words or words[0] != PREFIX:
        return Unknown(line, "an AMTS command starts with /amts")
    name, args = (words[1].lower(), words[2:]) if len(words) > 1 else ("help", [])
    if name == "help":
        return Help()
    if name == "sync":
        if args:
            return Unknown(line, "`/amts sync` takes no arguments")
        return Sync()
    if name in ("retranslate", "catch-up"):
        targets = []
        for arg in args:
            path, _, section = arg.partition("#")
            problem = _bad_path(path)
            if problem:
                return Unknown(line, f"`{arg}`: {problem}")
            targets.append((posixpath.normpath(path), section or None))
        if name == "retranslate":
            return Retranslate(tuple(targets))
        if not targets:
            return Unknown(line, "`/amts catch-up` needs the files, directories or sections")
        return CatchUp(tuple(targets))
    return Unknown(line, f"unknown command `{name}`")


def _bad_path(path: str) -> str | None:
    if not path:
        return "give a file path before `#`"
    normal = posixpath.normpath(path)
    if path.startswith("/") or normal == ".." or normal.startswith("../"):
        return "give the file's path inside the repository, e.g. chapter_basics/tensors.md"
    return None


# -- running a command -------------------------------------------------------------------


def run_command(services: Services, job: CommandJob) -> None:
    """Run an accepted comment's command and reply with the outcome."""
    gh = services.github.client(job.installation_id)
    repo = gh.get_repo(job.target_repo)
    command = parse(job.body)
    reply = _Replier(repo, job)
    if isinstance(command, Help):
        reply(HELP)
        return
    if isinstance(command, Unknown):
        reply(f"{command.problem}.\n\n{HELP}")
        return
    try:
        if isinstance(command, CatchUp):  # on the sync PR or any issue
            from bot.catchup import catch_up

            reply(catch_up(services, gh, repo, command.paths, job))
            return
        pull = repo.get_pull(job.pr_number)
        sync_pr = find_sync_pr(services, gh, job.target_repo, pull.raw_data)
        if sync_pr is None:
            reply("this is not an AMTS sync pull request (any more); nothing was run.")
            return
        if pull.state != "open":
            reply("this pull request is closed; nothing was run (the next push opens a new one).")
            return
        if isinstance(command, Sync):
            reply(_run_sync(services, sync_pr, job))
        else:
            from bot.retranslate import retranslate_pr

            reply(retranslate_pr(services, repo, sync_pr, command.targets, job))
    except InputError as exc:  # the command's own input: the maintainer can fix it
        logger.info("command.refused repo=%s problem=%s", job.target_repo, exc)
        reply(f"nothing was done: {exc}")
    except (AmtsError, BotError) as exc:
        reply(_failure(services, exc, job))
        raise
    except Exception as exc:
        reply(_failure(services, exc, job, internal=True))
        raise


def _run_sync(services: Services, sync_pr: SyncPR, job: CommandJob) -> str:
    from bot.sync import run_sync

    outcome = run_sync(
        services,
        SyncJob(
            source_repo=sync_pr.source_repo,
            target_repo=sync_pr.target.repo,
            lang=sync_pr.target.lang,
            installation_id=job.installation_id,
            reason=f"/amts sync by @{job.user}",
            delivery_id=job.delivery_id,
        ),
    )
    return sync_outcome(outcome)


def sync_outcome(outcome: SyncOutcome) -> str:
    """The reply for what :func:`bot.sync.run_sync` returned: the commit, or why none."""
    if outcome.status == "failed" or (outcome.error and not outcome.commit):
        return f"the sync failed: {outcome.error}\n\nTo try again, comment `/amts sync`."
    if outcome.commit:
        where = f" ({outcome.pr_url})" if outcome.pr_url else ""
        text = f"synced: commit {outcome.commit[:12]}{where}."
        if outcome.error:
            text += f"\n\nSome files could not be carried:\n{outcome.error}"
        return text
    return f"nothing to do: {outcome.message or 'the translation follows the English'}."


def _failure(services: Services, exc: Exception, job: CommandJob, *, internal: bool = False) -> str:
    from bot.incidents import public_error

    text = public_error(exc, "the command")
    first = parse(job.body)
    retry = "/amts sync" if isinstance(first, Sync) else job.body.strip().splitlines()[0]
    return f"failed: {text}\n\nTo try again, comment `{retry}`."


class _Replier:
    """Replies on the pull request, quoting the command and mentioning its author."""

    def __init__(self, repo: Any, job: CommandJob) -> None:
        self.repo, self.job = repo, job

    def __call__(self, text: str) -> None:
        command = self.job.body.strip().splitlines()[0] if self.job.body.strip() else PREFIX
        # Only the command's author is mentioned; the quote and the text mention nobody.
        body = f"> {neutralise(command)}\n\n@{self.job.user} {neutralise(text)}"
        self.repo.get_issue(self.job.pr_number).create_comment(body)
        logger.info("command.replied repo=%s pr=%s", self.job.target_repo, self.job.pr_number)
