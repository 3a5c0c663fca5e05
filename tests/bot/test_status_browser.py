"""The App's status page in a real headless Chromium, served by the real App after a
sync it ran against the GitHub emulator: the numbers are ``amts lag --json``'s, one bar
per chapter, the sync in the jobs table, nothing for a visitor without the token.

A screenshot is saved as ``status-page.png`` in the test's tmp dir.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.appworld import running_app, wait_for_opened_sync
from tests.bot.bookworld import ENGLISH_EDITS, SOURCE, ZH, World, book_world, wait_for
from tests.bot.browser import chromium
from tests.bot.webhooks import post

TOKEN = "browser-test-status-token"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[World, str]]:
    """The book on the emulator, the App's web side on a loopback port and one worker."""
    with book_world(tmp_path, status_token=TOKEN) as world, running_app(world) as url:
        yield world, url


def sync_by_webhook(world: World, url: str) -> None:
    """A maintainer's push of the English, delivered signed to the App; wait for its sync."""
    before = world.emulator.branch_sha(SOURCE, "main")
    after = ""
    for path, edits in ENGLISH_EDITS.items():
        after = world.edit_english(path, *edits)
    payload = world.push_payload(before or "", after)
    assert post(url, "push", payload, delivery_id="d-browser")[0] == 202
    wait_for_opened_sync(world)


def lag_json(world: World, tmp: Path) -> dict:
    """``amts lag --json`` on fresh clones of what the emulator now holds."""
    for name, repo in (("en", SOURCE), ("zh", ZH)):
        subprocess.run(
            ["git", "clone", "-q", str(world.emulator.git_dir(repo)), str(tmp / name)],
            check=True,
        )
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "lag", "--source-repo", str(tmp / "en"),
         "--target-repo", str(tmp / "zh"), "--tgt-lang", "zh", "--json"],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return json.loads(out.stdout)


def full_page(browser: Any) -> None:
    """Make the viewport as tall as the page, so the screenshot shows all of it."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def test_the_page_in_a_browser(served: tuple[World, str], tmp_path: Path) -> None:
    world, url = served
    sync_by_webhook(world, url)
    lag = lag_json(world, tmp_path / "clones")
    chapters = sorted({f["path"].split("/")[0] for f in lag["files"] if f["blocks"]})

    # A visitor without the token gets a sign-in form and no tenant's name.
    for path in ("/", "/status.json"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + path, timeout=10)
        assert refused.value.code == 401
        assert b"d2l-" not in refused.value.read()

    with chromium(tmp_path / "chromium-profile") as browser:
        from selenium.webdriver.common.by import By

        browser.get(url + "/")
        assert "d2l-" not in browser.page_source
        browser.find_element(By.ID, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(lambda: browser.find_elements(By.ID, "jobs"), 20)
        section = browser.find_element(By.CSS_SELECTOR, f'section[data-target="{ZH}"]')

        def field(name: str) -> str:
            return section.find_element(By.CSS_SELECTOR, f'[data-field="{name}"]').text

        totals = lag["totals"]
        assert field("percent") == f"{totals['percent_up_to_date']:.1f}%"
        behind = [f for f in lag["files"] if f["status"] == "behind"]
        assert int(field("blocks-behind")) == sum(f["behind"] + f["missing"] for f in behind)
        assert int(field("untranslated")) == sum(
            f["status"] == "untranslated" for f in lag["files"]
        )
        assert int(field("english-gone")) == sum(
            f["status"] == "english-gone" for f in lag["files"]
        )
        bars = section.find_elements(By.CSS_SELECTOR, "svg.lag-chart g.bar")
        assert [b.get_attribute("data-chapter") for b in bars] == chapters
        rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#jobs tr.job")]
        assert any(" sync " in f" {r} " and ZH in r and "opened" in r for r in rows), rows
        full_page(browser)
        assert browser.save_screenshot(str(tmp_path / "status-page.png"))
    print(f"screenshot: {tmp_path / 'status-page.png'}")
