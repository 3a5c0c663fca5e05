"""``amts demo --bot``: a signed push to a local GitHub ends in the translation's pull request."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from amts.errors import InputError
from bot.demo import BotDemoResult, load_emulator, run_bot_demo

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "examples" / "book"
TENSORS = "chapter_basics/tensors.md"
# Hand-checked against examples/book: the English changes n to d in this sentence, and
# the translation's sentence keeps its wording with the new math.
MATH_ZH = "我们用$\\mathbf{x} \\in \\mathbb{R}^d$表示长度为$d$的向量。"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[BotDemoResult, list[str]]:
    lines: list[str] = []
    result = run_bot_demo(tmp_path_factory.mktemp("demo") / "bot", say=lines.append)
    return result, lines


def _git(path: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(path), *args], capture_output=True, check=True)
    return done.stdout.decode().strip()


def test_push_opens_one_pull_request_with_the_english_change(
    demo: tuple[BotDemoResult, list[str]],
) -> None:
    """The App opens pull request #1 carrying tensors.md, labelled from the book's config."""
    result, _ = demo
    assert result.number == 1
    assert result.labels == ["translation-sync"]
    assert "tensors.md" in result.body
    changed = {line.split("\t")[-1]: line.split("\t")[0] for line in result.files}
    assert changed[TENSORS] == "M"
    assert changed["chapter_basics/tensors_origin.md"] == "M"
    assert "chapter_basics/index.md" not in changed  # the English did not change it


def test_checkout_holds_the_translated_change(demo: tuple[BotDemoResult, list[str]]) -> None:
    """The checked-out branch has the new English as origin, the updated translation, and
    the state file pointing at the pushed English revision."""
    result, _ = demo
    checkout = result.checkout
    origin = (checkout / "chapter_basics" / "tensors_origin.md").read_bytes()
    assert origin == (BOOK / "en-next" / TENSORS).read_bytes()
    translation = (checkout / TENSORS).read_text(encoding="utf-8")
    assert MATH_ZH in translation
    assert "x = x.reshape(3, 4)" in translation
    first_line = (BOOK / "zh" / TENSORS).read_text(encoding="utf-8").splitlines()[0]
    assert translation.splitlines()[0] == first_line  # untouched by the English, kept
    english_head = _git(result.repos / "book-en", "rev-parse", "HEAD")
    state = json.loads((checkout / ".amts" / "state.json").read_text(encoding="utf-8"))
    assert state["source_revision"] == english_head
    assert _git(checkout, "rev-parse", "--abbrev-ref", "HEAD") == "amts/sync"


def test_demo_tells_the_story_and_keeps_secrets_out_of_its_log(
    demo: tuple[BotDemoResult, list[str]],
) -> None:
    """The printed lines name the push, the pull request and where its files are; the
    App's log never shows a token or the private key."""
    result, lines = demo
    text = "\n".join(lines)
    assert "signed push webhook" in text and "HTTP 202" in text
    assert f"pull request #{result.number}" in text
    assert str(result.checkout) in text
    log = result.log.read_text(encoding="utf-8")
    assert "sync.pr_opened" in log
    assert "PRIVATE KEY" not in log and "Authorization" not in log and "ghs_" not in log


def test_demo_ends_with_the_page_and_the_status_issue(
    demo: tuple[BotDemoResult, list[str]],
) -> None:
    """The last lines say where the page was and show the status issue's body head."""
    result, lines = demo
    text = "\n".join(lines)
    assert f"status page was served at {result.page_url}" in text
    assert f"status issue #{result.issue_number} on demo/book-zh" in text
    assert lines[-1].startswith("   | ")
    assert result.issue_body.startswith("<!-- amts-dashboard: demo/book-en -> demo/book-zh -->")
    page = result.page.read_text(encoding="utf-8")
    assert 'data-target="demo/book-zh"' in page and 'id="jobs"' in page


def test_outside_a_checkout_the_demo_says_where_to_run(tmp_path: Path) -> None:
    """Without the emulator's files (an installed wheel), one line says what to do."""
    with pytest.raises(InputError, match="from a clone"):
        load_emulator(tmp_path)


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """A non-empty output folder without the demo's marker is left alone."""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not made by"):
        run_bot_demo(tmp_path, say=lambda line: None)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_amts_demo_bot_on_the_command_line(tmp_path: Path) -> None:
    """``amts demo --bot --out DIR`` runs the same demo into ``DIR/bot``."""
    from bot.cli import main

    result = CliRunner().invoke(main, ["demo", "--bot", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "pull request #1" in result.output
    assert (tmp_path / "bot" / "book-zh-pull-request" / TENSORS).is_file()
