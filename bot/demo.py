"""``amts demo --bot``: the GitHub App at work on the sample book, with nothing installed.

A newcomer sees the production code path end to end, on loopback: repositories made
from ``examples/book`` are served by a local GitHub (the project's emulator: REST API
and git over HTTP, installation tokens required), the App runs with ``amts serve``'s
parts (the Flask app on a loopback port, huey consumer threads, a SQLite queue), a
signed ``push`` webhook is delivered over HTTP, and the pull request that the App
opens on the translation is printed and checked out.

The emulator lives in ``tests/emulators/github`` and the sample book in ``examples/``:
neither is part of the installed package (a test helper shipped to every user would be
dead weight), so this demo runs from a clone of AMTS, like ``amts demo``; anywhere else
it stops with one line saying so. The emulator is loaded from its files under a private
module name, so no ``sys.path`` change and no other ``tests`` package can interfere.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from amts.errors import InputError

CHECKOUT = Path(__file__).resolve().parents[1]
EMULATOR_PACKAGE = Path("tests") / "emulators" / "github"
SAMPLE_BOOK = Path("examples") / "book"
SOURCE, TARGET = "demo/book-en", "demo/book-zh"
INSTALLATION_ID = 1
MARKER = ".amts-demo-bot"  # a folder with it is ours to replace on the next run
BOOK_CONFIG = f"""\
# The book's AMTS configuration: which translations follow this English repository.
source_lang: en
targets:
  - repo: {TARGET}
    lang: zh
    glossary: TERMINOLOGY.md
engine: memory
branch: amts/sync
labels: [translation-sync]
"""
BODY_LINES = 12  # the head of the pull request's body that the demo prints
LINE_CHARS = 96
ISSUE_LINES = 10  # the head of the status issue's body that the demo prints


@dataclass(frozen=True)
class BotDemoResult:
    """What the demo produced, for the caller to print or a test to check."""

    number: int
    title: str
    body: str
    url: str
    labels: list[str]
    files: list[str]  # "M\tpath" lines, as ``git diff --name-status`` prints them
    seconds: float  # from the signed push to the pull request existing
    checkout: Path  # the pull request's branch, checked out
    repos: Path  # the local English and Chinese repositories
    github: Path  # the emulator's bare repositories
    log: Path
    page: Path  # the App's status page as it was served, saved
    page_url: str  # where it was served, behind the status token
    issue_number: int  # the status issue on the translation
    issue_body: str


def run_bot_demo(
    out_dir: Path, say: Callable[[str], None] = print, timeout: float = 120.0
) -> BotDemoResult:
    """Push the sample book's English change to a local GitHub, let the App open the
    pull request on the translation, and check it out under ``out_dir``."""
    emulator_module = load_emulator()
    examples = CHECKOUT / SAMPLE_BOOK
    out_dir = _fresh(out_dir)
    repos, log = out_dir / "repos", out_dir / "amts.log"
    english, chinese, before, after = make_sample_repos(examples, repos)
    say(f"1. the sample book as git repositories in {repos}:")
    say("   book-en (the English, then a newer revision) and book-zh (its Chinese translation)")

    with (
        _log_to(log),
        emulator_module.GitHubEmulator(out_dir / "github") as github,
    ):
        github.add_repo(SOURCE, english, installation_id=INSTALLATION_ID)
        github.add_repo(TARGET, chinese, installation_id=INSTALLATION_ID)
        with app_server(github, out_dir / "amts-data") as (url, secret, token):
            say(f"2. a local GitHub on {github.url} serves them as {SOURCE} and {TARGET};")
            say(f"   the App (the `amts serve` machinery, SQLite queue) listens on {url}")
            started = time.monotonic()
            status = deliver(url, secret, "push", push_payload(github, SOURCE, before, after))
            say(f"3. signed push webhook: {SOURCE} main {before[:7]}..{after[:7]} → HTTP {status}")
            pull = wait_for_pull(github, TARGET, timeout, app_url=url, token=token)
            seconds = time.monotonic() - started
            page = out_dir / "status-page.html"
            page.write_bytes(_read(f"{url}/", token))
            [issue] = [i for i in github.plain_issues(TARGET) if i["number"] == pull["issue"]]
        files = github.git(
            TARGET, "diff", "--name-status", f"{pull['base']['sha']}...{pull['head']['sha']}"
        ).splitlines()
        checkout = out_dir / "book-zh-pull-request"
        git(
            out_dir,
            "clone",
            "-q",
            "--branch",
            pull["head"]["ref"],
            str(github.git_dir(TARGET)),
            str(checkout),
        )
        github_dir = github.git_dir(TARGET).parent

    result = BotDemoResult(
        number=pull["number"],
        title=pull["title"],
        body=pull["body"] or "",
        url=pull["html_url"],
        labels=[label["name"] for label in pull["labels"]],
        files=files,
        seconds=seconds,
        checkout=checkout,
        repos=repos,
        github=github_dir,
        log=log,
        page=page,
        page_url=f"{url}/",
        issue_number=issue["number"],
        issue_body=issue["body"] or "",
    )
    _report(result, say)
    return result


def _report(result: BotDemoResult, say: Callable[[str], None]) -> None:
    say(f"4. pull request #{result.number} on {TARGET}, {result.seconds:.1f} s after the push:")
    say(f"   title:  {result.title}")
    say(f"   labels: {', '.join(result.labels) or '-'}")
    say("   body:")
    lines = result.body.splitlines()
    for line in lines[:BODY_LINES]:
        say(f"   | {line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + '…'}")
    if len(lines) > BODY_LINES:
        say(f"   | … ({len(lines) - BODY_LINES} more lines)")
    say("   files:")
    for line in result.files:
        status, _, path = line.partition("\t")
        say(f"     {status} {path}")
    say(f"5. its branch is checked out in {result.checkout}")
    say(f"   the emulator's repositories: {result.github}; the App's log: {result.log}")
    say(f"6. the App's status page was served at {result.page_url} (AMTS_STATUS_TOKEN needed);")
    say(f"   as it was then: {result.page}")
    say(f'7. status issue #{result.issue_number} on {TARGET}, "AMTS: translation status":')
    lines = _issue_head(result.issue_body)
    for line in lines[:ISSUE_LINES]:
        say(f"   | {line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + '…'}")
    if len(lines) > ISSUE_LINES:
        more = len(lines) - ISSUE_LINES
        say(f"   | … and {more} more line{'' if more == 1 else 's'}")


def load_emulator(checkout: Path = CHECKOUT) -> ModuleType:
    """The GitHub emulator package of a source checkout, or an error saying where to run."""
    package = checkout / EMULATOR_PACKAGE
    if not (package / "__init__.py").is_file() or not (checkout / SAMPLE_BOOK).is_dir():
        raise InputError(
            f"{package}: the GitHub emulator and the sample book are not installed with "
            "AMTS; run `amts demo --bot` from a clone of the repository (pip install -e .)"
        )
    name = "_amts_demo_github_emulator"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def make_sample_repos(examples: Path, root: Path) -> tuple[Path, Path, str, str]:
    """The English repository (the book, then its newer revision) and the translation;
    returns both paths and the English revisions before and after the change."""
    english, chinese = root / "book-en", root / "book-zh"
    init_repo(english, "English Author")
    shutil.copytree(examples / "en", english, dirs_exist_ok=True)
    (english / ".github").mkdir()
    (english / ".github" / "amts.yml").write_text(BOOK_CONFIG, encoding="utf-8")
    before = _commit(english, "The English book")
    shutil.copytree(examples / "en-next", english, dirs_exist_ok=True)
    after = _commit(english, "Say more about tensors")
    init_repo(chinese, "Chinese Translator")
    shutil.copytree(examples / "zh", chinese, dirs_exist_ok=True)
    _commit(chinese, "The Chinese translation")
    return english, chinese, before, after


@contextmanager
def app_server(github: Any, data_dir: Path, workers: int = 2) -> Iterator[tuple[str, str]]:
    """The App as ``amts serve`` runs it (Flask app, consumer threads, SQLite queue), on a
    free loopback port and acting as the emulator's App; yields its URL and webhook secret."""
    from werkzeug.serving import make_server

    from bot.settings import Settings
    from bot.web.app import create_app
    from bot.work.queue import Queue
    from bot.work.worker import start_consumer

    secret, token = secrets.token_hex(16), secrets.token_urlsafe(24)
    settings = Settings(
        webhook_secret=secret,
        app_id=github.app_id,
        private_key=github.private_key_pem,
        api_url=github.api_url,
        data_dir=data_dir,
        status_token=token,
    )
    queue = Queue.from_settings(settings, retry_delay=0.5)
    server = make_server("127.0.0.1", 0, create_app(settings, queue), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="amts-demo-web", daemon=True)
    thread.start()
    consumer = start_consumer(queue, workers)
    try:
        yield f"http://127.0.0.1:{server.server_port}", secret, token
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        consumer.stop(graceful=True)
        queue.close()


def push_payload(github: Any, repo: str, before: str, after: str) -> dict[str, Any]:
    """A ``push`` to ``repo``'s default branch as GitHub delivers it to an App."""
    repository = github.repo_json(repo)
    branch = repository["default_branch"]
    sender = {"login": "english-author", "id": 1, "type": "User"}
    return {
        "ref": f"refs/heads/{branch}",
        "before": before,
        "after": after,
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": f"{repository['html_url']}/compare/{before[:12]}...{after[:12]}",
        "commits": [{"id": after, "message": "Say more about tensors", "distinct": True}],
        "head_commit": {"id": after, "message": "Say more about tensors"},
        "repository": repository,
        "pusher": {"name": "english-author", "email": "english.author@example.com"},
        "sender": sender,
        "installation": {"id": INSTALLATION_ID, "node_id": "MDIzOkludGVncmF0aW9uMQ=="},
    }


def deliver(url: str, secret: str, event: str, payload: dict[str, Any]) -> int:
    """POST ``payload`` to the App's ``/webhook``, signed as GitHub signs deliveries."""
    import json
    import urllib.error
    import urllib.request
    import uuid

    from bot.web.signature import sign

    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        f"{url}/webhook",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/amts-demo",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": sign(secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _issue_head(body: str) -> list[str]:
    """The status issue's lines as a reader sees them: the mermaid chart and the folded
    table each as one line, no blank or hidden lines."""
    lines, skipping = [], ""
    for line in body.splitlines():
        if skipping:
            skipping = "" if line.startswith(skipping) else skipping
            continue
        if line.startswith("```mermaid"):
            lines.append("[a bar chart of the percent up to date per chapter]")
            skipping = "```"
        elif line.startswith("<details>"):
            lines.append("[the table per chapter, folded]")
            skipping = "</details>"
        elif line and not line.startswith(("<!--", "This issue shows", "---", "<sub>")):
            lines.append(
                line.replace(line[line.find("<!--") : line.find("-->") + 4], "")
                if "<!--" in line and "-->" in line
                else line
            )
    return lines


def wait_for_pull(
    github: Any, repo: str, timeout: float, *, app_url: str | None = None, token: str = ""
) -> dict[str, Any]:
    """The first open pull request on ``repo`` once the App says it is done with it (its
    ``/status.json`` names the pull request and the status issue: labels and reviewers
    are set by then), with ``issue``: the status issue's number; the App's failure, if it
    reported one."""
    deadline = time.monotonic() + timeout
    while True:
        pulls = github.pulls(repo, state="open")
        issue = (
            _app_reports(app_url, token, repo, pulls[0]["html_url"]) if pulls and app_url else None
        )
        if pulls and (app_url is None or issue):
            return {**github.pull(repo, pulls[0]["number"]), "issue": issue}
        failed = [run for run in github.check_runs(SOURCE) if run["conclusion"] == "failure"]
        if failed:
            output = failed[0].get("output") or {}
            raise InputError(f"the App reported a failure: {output.get('summary') or failed[0]}")
        if time.monotonic() > deadline:
            raise InputError(f"no pull request on {repo} after {timeout:g} s; see the App's log")
        time.sleep(0.1)


def _app_reports(app_url: str, token: str, repo: str, pr_url: str) -> int | None:
    """The status issue's number once the App's records show the pull request and it."""
    targets = json.loads(_read(f"{app_url}/status.json", token))["targets"]
    for t in targets:
        if t["target_repo"] == repo and t.get("pr_url") == pr_url and t.get("dashboard"):
            return t["dashboard"]["number"]
    return None


def _read(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.read()


def _fresh(out_dir: Path) -> Path:
    """``out_dir``, emptied if an earlier demo made it; anything else there is kept safe."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).exists():
            raise InputError(f"{out_dir}: not empty and not made by `amts demo --bot`")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("made by amts demo --bot; replaced on the next run\n")
    return out_dir.resolve()


LOGGERS = ("bot", "amts", "huey", "werkzeug", "github", "urllib3")


@contextmanager
def _log_to(path: Path) -> Iterator[None]:
    """The App's log lines go to ``path`` only, so the terminal shows the demo's story."""
    from bot.logs import DeliveryFilter, formatter

    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(formatter())
    handler.addFilter(DeliveryFilter())
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(logging.INFO if name in ("bot", "huey") else logging.WARNING)
        logger.propagate = False
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger, level, propagate in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
        handler.close()


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; a failure is one line naming the command."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(f"git {args[0]} in {cwd}: {done.stderr.strip()}")
    return done.stdout.strip()


def init_repo(path: Path, author: str) -> None:
    """A new repository at ``path`` committing as ``author``, whatever the machine's git
    configuration says."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", author)
    git(path, "config", "user.email", f"{author.lower().replace(' ', '.')}@example.com")
    git(path, "config", "commit.gpgsign", "false")


def _commit(path: Path, message: str) -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD")


def add_bot_option(demo: click.Command) -> None:
    """Give ``amts demo`` its ``--bot`` flag; called from ``bot/cli.py`` so that ``amts/``
    never imports the App."""
    original = demo.callback
    assert original is not None
    demo.params.append(
        click.Option(
            ["--bot"],
            is_flag=True,
            help="Show the GitHub App instead: a local GitHub, the App's server, a signed "
            "push and the pull request it opens (in OUT/bot; needs a clone of AMTS).",
        )
    )

    def callback(bot: bool, **options: Any) -> Any:
        if not bot:
            return original(**options)
        run_bot_demo(Path(options["out"]) / "bot", say=click.echo)
        return None

    demo.callback = callback
