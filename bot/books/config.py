"""``.github/amts.yml``: which translations a book has and how the App keeps them in sync.

The file lives in the English repository's default branch and is read at the pushed
revision, so a maintainer changes the App's behaviour with an ordinary commit. Every
problem is a :class:`~bot.errors.ConfigError` naming the key (``targets[1].lang``) and
what is wrong, which the push handler shows on the commit as a failed ``amts`` check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.errors import ConfigError

CONFIG_PATH = ".github/amts.yml"
#: A configuration is a few hundred bytes; anything much larger is not one (and GitHub's
#: contents API gives no content at all for files over 1 MB).
MAX_CONFIG_BYTES = 64 * 1024
#: The App pushes only under this prefix (as Dependabot does under ``dependabot/``): a
#: config cannot turn a reviewed pull request into a push to a branch people work on.
BRANCH_PREFIX = "amts/"
DEFAULT_BRANCH = "amts/sync"
_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_TOP_KEYS = (
    "source_lang",
    "targets",
    "engine",
    "branch",
    "exclude",
    "labels",
    "reviewers",
    "sources",
    "dashboard",
)
_TARGET_KEYS = ("repo", "lang", "glossary")


@dataclass(frozen=True)
class Target:
    """One translation repository: ``owner/name``, its language and optional glossary path."""

    repo: str
    lang: str
    glossary: str | None = None


@dataclass(frozen=True)
class BookConfig:
    """A book's App configuration, checked."""

    targets: tuple[Target, ...]
    source_lang: str = "en"
    engine: str = "memory"
    branch: str = DEFAULT_BRANCH
    exclude: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = field(default=())
    #: in a *target*'s file: the English repositories of other installations it accepts
    sources: tuple[str, ...] = ()
    dashboard: bool = True  # the status issue in each target repository

    @classmethod
    def parse(cls, text: str | bytes) -> BookConfig:
        """The configuration in ``text``, or a :class:`ConfigError` naming the key at fault."""
        if len(text) > MAX_CONFIG_BYTES:
            raise ConfigError("(file)", f"{len(text)} bytes; a configuration has at most 64 KB")
        try:
            raw = yaml.safe_load(text)
        except RecursionError:  # [[[[...]]]]: PyYAML builds nested values recursively
            raise ConfigError("(file)", "values nested too deeply to be a configuration") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "(file)"
            raise ConfigError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        if not isinstance(raw, dict):
            raise ConfigError("(file)", "expected a mapping of keys such as targets, engine")
        _no_unknown_keys(raw, _TOP_KEYS, "")
        source_lang = _language(raw.get("source_lang", "en"), "source_lang")
        sources = _repos(raw.get("sources", []), "sources")
        # a translation's own file may only accept sources: no targets of its own
        targets = () if sources and "targets" not in raw else _targets(raw.get("targets"))
        return cls(
            targets=targets,
            source_lang=source_lang,
            engine=_engine(raw.get("engine", "memory")),
            branch=_branch(raw.get("branch", DEFAULT_BRANCH)),
            exclude=_strings(raw.get("exclude", []), "exclude"),
            labels=_strings(raw.get("labels", []), "labels"),
            reviewers=_strings(raw.get("reviewers", []), "reviewers"),
            sources=sources,
            dashboard=_boolean(raw.get("dashboard", True), "dashboard"),
        )

    def target(self, repo: str) -> Target | None:
        """The target ``repo`` (case-insensitive, as GitHub names are), if configured."""
        return next((t for t in self.targets if t.repo.lower() == repo.lower()), None)


def load_config(gh_repo: Any, ref: str) -> BookConfig | None:
    """The configuration of a PyGithub ``Repository`` at ``ref``; ``None``: not a source."""
    from github import GithubException

    from bot.github.client import github_error

    try:
        content = gh_repo.get_contents(CONFIG_PATH, ref=ref)
    except GithubException as exc:
        if exc.status == 404:
            return None
        raise github_error(exc, f"reading {CONFIG_PATH} of {gh_repo.full_name}") from exc
    if isinstance(content, list):  # a directory of that name
        raise ConfigError("(file)", f"{CONFIG_PATH} is a directory, not a file")
    if content.size > MAX_CONFIG_BYTES:  # checked before decoding, which fails over 1 MB
        raise ConfigError("(file)", f"{content.size} bytes; a configuration has at most 64 KB")
    return BookConfig.parse(content.decoded_content)


def _no_unknown_keys(raw: dict, known: tuple[str, ...], prefix: str) -> None:
    for key in raw:
        if key not in known:
            raise ConfigError(
                f"{prefix}{key}", f"unknown key; the known keys are {', '.join(known)}"
            )


def _type_name(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "a string"}.get(
        type(value), type(value).__name__
    )


def _string(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, f"expected a non-empty string, got {_type_name(value)}")
    return value.strip()


def _strings(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        raise ConfigError(key, f"expected a list of strings, got a string; write [{value}]")
    if not isinstance(value, list):
        raise ConfigError(key, f"expected a list of strings, got {_type_name(value)}")
    return tuple(_string(item, f"{key}[{n}]") for n, item in enumerate(value))


def _repos(value: object, key: str) -> tuple[str, ...]:
    names = _strings(value, key)
    for number, name in enumerate(names):
        if not _REPO.match(name):
            raise ConfigError(f"{key}[{number}]", f"{name!r} is not a repository name owner/name")
    return names


def _boolean(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"expected true or false, got {_type_name(value)}")
    return value


def _language(value: object, key: str) -> str:
    from amts.book.sentences import SUPPORTED_LANGUAGES, normalize_language
    from amts.errors import AmtsError

    code = _string(value, key)
    try:
        normalize_language(code)
    except AmtsError:
        supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
        raise ConfigError(key, f"unknown language {code!r}; supported: {supported}") from None
    return code


def _engine(value: object) -> str:
    from amts.engines import ENGINES

    name = _string(value, "engine")
    if name not in ENGINES:
        raise ConfigError("engine", f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
    return name


def _branch(value: object) -> str:
    name = _string(value, "branch")
    bad = (
        name.startswith(("/", "-", "."))
        or name.endswith(("/", ".lock", "."))
        or ".." in name
        or "//" in name
        or "@{" in name
        or any(c in name for c in " ~^:?*[\\")
        or any(ord(c) < 32 for c in name)
    )
    if bad:
        raise ConfigError("branch", f"{name!r} is not a valid git branch name")
    if not name.startswith(BRANCH_PREFIX) or name == BRANCH_PREFIX:
        raise ConfigError(
            "branch",
            f"{name!r} is not under {BRANCH_PREFIX}: AMTS pushes only to its own branches "
            f"(write, for example, {BRANCH_PREFIX}{name.rsplit('/', 1)[-1] or 'sync'})",
        )
    return name


def _targets(value: object) -> tuple[Target, ...]:
    if value is None:
        raise ConfigError("targets", "missing: list at least one translation repository")
    if not isinstance(value, list) or not value:
        raise ConfigError(
            "targets", f"expected a non-empty list of {{repo, lang}}, got {_type_name(value)}"
        )
    targets, seen = [], set()
    for number, item in enumerate(value):
        key = f"targets[{number}]"
        if not isinstance(item, dict):
            raise ConfigError(key, f"expected a mapping with repo and lang, got {_type_name(item)}")
        _no_unknown_keys(item, _TARGET_KEYS, f"{key}.")
        for required in ("repo", "lang"):
            if required not in item:
                raise ConfigError(f"{key}.{required}", "missing")
        repo = _string(item["repo"], f"{key}.repo")
        if not _REPO.match(repo):
            raise ConfigError(f"{key}.repo", f"{repo!r} is not a repository name owner/name")
        if repo.lower() in seen:
            raise ConfigError(f"{key}.repo", f"{repo} is listed twice")
        seen.add(repo.lower())
        glossary = item.get("glossary")
        targets.append(
            Target(
                repo,
                _language(item["lang"], f"{key}.lang"),
                None if glossary is None else _string(glossary, f"{key}.glossary"),
            )
        )
    return tuple(targets)
