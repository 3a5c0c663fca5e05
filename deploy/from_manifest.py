"""Finish GitHub's manifest flow: trade the ``code`` GitHub gave your browser for the new
App's ID, private key and webhook secret, and write them where the containers read them.

    python deploy/from_manifest.py CODE            # within an hour of creating the App

Writes ``deploy/amts.env`` (``AMTS_WEBHOOK_SECRET``, ``AMTS_GITHUB_APP_ID``; mode 600) and
``deploy/secrets/github-app-private-key.pem`` (mode 444 in a 700 folder, for the image's
uid 10001), both git-ignored, and never over existing ones. Prints the App's page, never
a secret. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
DEFAULT_API_URL = "https://api.github.com"
KEY_NAME = "github-app-private-key.pem"


def convert(api_url: str, code: str) -> dict:
    """GitHub's ``POST /app-manifests/{code}/conversions`` (no authentication)."""
    request = urllib.request.Request(
        f"{api_url.rstrip('/')}/app-manifests/{code}/conversions",
        method="POST",
        headers={"Accept": "application/vnd.github+json", "User-Agent": "amts-from-manifest"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def write_secrets(app: dict, out: Path, api_url: str) -> tuple[Path, Path]:
    """``amts.env`` and the key under ``out``; neither may exist yet."""
    env_file, secrets = out / "amts.env", out / "secrets"
    key_file = secrets / KEY_NAME
    for path in (env_file, key_file):
        if path.exists():
            raise FileExistsError(f"{path} exists: move it away to write a new App's secrets")
    lines = [f"AMTS_WEBHOOK_SECRET={app['webhook_secret']}", f"AMTS_GITHUB_APP_ID={app['id']}"]
    if api_url.rstrip("/") != DEFAULT_API_URL:
        lines.append(f"AMTS_GITHUB_API_URL={api_url.rstrip('/')}")
    secrets.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write(env_file, "\n".join(lines) + "\n", 0o600)
    _write(key_file, app["pem"], 0o444)
    return env_file, key_file


def _write(path: Path, text: str, mode: int) -> None:
    """``text`` into a new file created with ``mode``: never readable by others meanwhile."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", help="the code= of the address GitHub sent your browser to")
    parser.add_argument("--api-url", default=DEFAULT_API_URL, help="GitHub Enterprise: …/api/v3")
    parser.add_argument("--out", type=Path, default=DEPLOY, help="default: this folder")
    args = parser.parse_args(argv)
    try:
        app = convert(args.api_url, args.code)
        env_file, key_file = write_secrets(app, args.out, args.api_url)
    except urllib.error.HTTPError as exc:
        print(
            f"from_manifest: GitHub answered {exc.code} for the code: unknown, used or older "
            "than an hour; create the App again from the form",
            file=sys.stderr,
        )
        return 1
    except (OSError, ValueError, KeyError) as exc:
        print(f"from_manifest: {exc}", file=sys.stderr)
        return 1
    print(f"Created {app.get('html_url') or app.get('slug')} (App ID {app['id']}).")
    print(f"Wrote {env_file} and {key_file}; restart the App to use them.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
