"""The README's manifest flow, end to end on loopback: ``deploy/manifest-form.html`` in a
real browser posts the manifest (webhook and redirect URLs filled in) to a stand-in for
GitHub, which sends the browser back with a code; ``deploy/from_manifest.py`` trades the
code for the App's secrets and writes them, git-ignored, where the containers read them."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "deploy" / "manifest-form.html"
CODE = "c0de4242"
APP = {
    "id": 424242,
    "slug": "amts-translation-sync",
    "html_url": "https://github.com/apps/amts-translation-sync",
    "webhook_secret": "whsec-from-github-9f1b",
    "pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
    "client_id": "Iv1.abc",
    "client_secret": "client-secret-5e2",
}


class FakeGitHub(BaseHTTPRequestHandler):
    """GitHub's two ends of the flow: the form's POST, redirected to ``redirect_url`` with
    a code, and the code's conversion (once)."""

    posted: list[tuple[str, dict[str, list[str]]]]
    landed: list[str]
    converted: set[str]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        path = urlsplit(self.path).path
        if path == f"/app-manifests/{CODE}/conversions" and CODE not in self.converted:
            self.converted.add(CODE)
            self._answer(201, json.dumps(APP).encode(), "application/json")
            return
        if path.endswith("/settings/apps/new"):
            fields = parse_qs(body)
            self.posted.append((self.path, fields))
            manifest = json.loads(fields["manifest"][0])
            state = parse_qs(urlsplit(self.path).query)["state"][0]
            self.send_response(302)
            self.send_header("Location", f"{manifest['redirect_url']}?code={CODE}&state={state}")
            self.end_headers()
            return
        self._answer(404, b'{"message": "Not Found"}', "application/json")

    def do_GET(self) -> None:
        self.landed.append(self.path)
        self._answer(200, b"<p>the App's status page</p>", "text/html")

    def _answer(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def github() -> Iterator[tuple[str, type[FakeGitHub]]]:
    handler = type("Handler", (FakeGitHub,), {"posted": [], "landed": [], "converted": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()


def form_manifest() -> dict[str, Any]:
    text = FORM.read_text(encoding="utf-8")
    found = re.search(r"const MANIFEST = (\{.*?\n\});", text, re.DOTALL)
    assert found, "no MANIFEST in the form"
    return json.loads(found.group(1))


def test_the_form_carries_the_manifest_file() -> None:
    """One manifest: the form's is ``deploy/app-manifest.json``."""
    manifest = json.loads((ROOT / "deploy" / "app-manifest.json").read_text(encoding="utf-8"))
    assert form_manifest() == manifest


def browser() -> Any:
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are not installed (.ci/run installs them)")
        pytest.skip("chromium and chromedriver are not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))


def test_the_form_creates_the_app_and_the_script_writes_its_secrets(
    github: tuple[str, type[FakeGitHub]], tmp_path: Path
) -> None:
    url, handler = github
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser()
    try:
        driver.get(FORM.as_uri())
        server = f"{url}/amts"  # the App's public URL; GitHub's stand-in answers it too
        driver.find_element(By.ID, "host").send_keys(server + "/")
        driver.find_element(By.ID, "org").send_keys("d2l-ai")
        driver.find_element(By.ID, "github").clear()
        driver.find_element(By.ID, "github").send_keys(url)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: "code=" in d.current_url)
        landed = driver.current_url
    finally:
        driver.quit()

    [(path, fields)] = handler.posted
    assert urlsplit(path).path == "/organizations/d2l-ai/settings/apps/new"
    manifest = json.loads(fields["manifest"][0])
    assert manifest["hook_attributes"]["url"] == f"{server}/webhook"
    assert manifest["redirect_url"] == f"{server}/"
    assert {k: v for k, v in manifest.items() if k not in ("redirect_url", "hook_attributes")} == {
        k: v for k, v in form_manifest().items() if k != "hook_attributes"
    }
    query = parse_qs(urlsplit(landed).query)
    assert landed.startswith(f"{server}/?") and query["code"] == [CODE]
    assert query["state"] == fields["state"]  # what the form sent is what came back

    script = [sys.executable, str(ROOT / "deploy" / "from_manifest.py")]
    out = tmp_path / "deploy"
    done = subprocess.run(
        [*script, CODE, "--api-url", url, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    for secret in (APP["webhook_secret"], APP["pem"].splitlines()[1], APP["client_secret"]):
        assert secret not in done.stdout + done.stderr
    env = (out / "amts.env").read_text(encoding="utf-8").splitlines()
    assert env[:2] == [f"AMTS_WEBHOOK_SECRET={APP['webhook_secret']}", "AMTS_GITHUB_APP_ID=424242"]
    assert f"AMTS_GITHUB_API_URL={url}" in env  # not github.com: GitHub Enterprise's API
    key = out / "secrets" / "github-app-private-key.pem"
    assert key.read_text(encoding="utf-8") == APP["pem"]
    assert stat.S_IMODE((out / "amts.env").stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "secrets").stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o444

    # A code is good once; a second run says so in one line and leaves the files alone.
    again = subprocess.run(
        [*script, CODE, "--api-url", url, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 1
    assert (
        again.stderr.startswith("from_manifest: GitHub answered 404")
        and again.stderr.count("\n") == 1
    )
    assert (out / "amts.env").read_text(encoding="utf-8").splitlines() == env
