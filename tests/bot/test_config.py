"""``.github/amts.yml``: a valid file, and every kind of mistake named by its key."""

from __future__ import annotations

import pytest

from bot.books.config import BookConfig, Target
from bot.errors import ConfigError

VALID = """\
source_lang: en
targets:
  - repo: d2l-ai/d2l-zh
    lang: zh
    glossary: TERMINOLOGY.md      # path in the target repo, optional
  - repo: d2l-ai/d2l-pt
    lang: pt
engine: memory                    # or amazon (settings as for `amts sync`)
branch: amts/sync                 # the sync branch in each target
exclude: [README.md]
labels: [translation-sync]
reviewers: []
"""


def test_the_issue_example_is_valid() -> None:
    config = BookConfig.parse(VALID)
    assert config.targets == (
        Target("d2l-ai/d2l-zh", "zh", "TERMINOLOGY.md"),
        Target("d2l-ai/d2l-pt", "pt", None),
    )
    assert (config.source_lang, config.engine, config.branch) == ("en", "memory", "amts/sync")
    assert (config.exclude, config.labels, config.reviewers) == (
        ("README.md",),
        ("translation-sync",),
        (),
    )
    assert config.target("D2L-AI/d2l-pt") == Target("d2l-ai/d2l-pt", "pt", None)


def test_defaults_need_only_the_targets() -> None:
    config = BookConfig.parse("targets: [{repo: o/zh, lang: zh}]\n")
    assert (config.source_lang, config.engine, config.branch) == ("en", "memory", "amts/sync")
    assert config.exclude == config.labels == config.reviewers == ()


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\ncolour: red\n",
            "colour",
            "unknown key",
            id="unknown top-level key",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh, path: x}]\n",
            "targets[0].path",
            "unknown key",
            id="unknown target key",
        ),
        pytest.param("engine: memory\n", "targets", "missing", id="no targets"),
        pytest.param("targets: []\n", "targets", "non-empty list", id="empty targets"),
        pytest.param("targets: o/zh\n", "targets", "got a string", id="targets not a list"),
        pytest.param("targets: [{lang: zh}]\n", "targets[0].repo", "missing", id="no repo"),
        pytest.param("targets: [{repo: o/zh}]\n", "targets[0].lang", "missing", id="no lang"),
        pytest.param(
            "targets: [{repo: d2l-zh, lang: zh}]\n",
            "targets[0].repo",
            "owner/name",
            id="repo without owner",
        ),
        pytest.param(
            "targets: [{repo: 'o/zh/x', lang: zh}]\n",
            "targets[0].repo",
            "owner/name",
            id="repo with two slashes",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: klingon}]\n",
            "targets[0].lang",
            "unknown language 'klingon'",
            id="unknown language",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: 3}]\n",
            "targets[0].lang",
            "expected a non-empty string, got int",
            id="language not a string",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}, {repo: O/ZH, lang: zh}]\n",
            "targets[1].repo",
            "listed twice",
            id="duplicate target",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\nengine: deepl\n",
            "engine",
            "unknown engine 'deepl'",
            id="unknown engine",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\nsource_lang: xx\n",
            "source_lang",
            "unknown language",
            id="unknown source language",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\nbranch: 'a..b'\n",
            "branch",
            "not a valid git branch name",
            id="bad branch",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\nlabels: sync\n",
            "labels",
            "got a string",
            id="labels not a list",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\nreviewers: [1]\n",
            "reviewers[0]",
            "got int",
            id="reviewer not a string",
        ),
        pytest.param(
            "targets: [{repo: o/zh, lang: zh}]\nexclude: {a: 1}\n",
            "exclude",
            "got a mapping",
            id="exclude not a list",
        ),
        pytest.param("- just\n- a list\n", "(file)", "mapping", id="not a mapping"),
        pytest.param("targets: [\n", "line", "not valid YAML", id="bad YAML"),
    ],
)
def test_errors_name_the_key_and_the_problem(text: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        BookConfig.parse(text)
    assert caught.value.key.startswith(key)
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f".github/amts.yml: {caught.value.key}: ")
