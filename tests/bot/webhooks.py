"""Webhook deliveries as GitHub sends them, for the bot's tests: signed bodies, headers
and small payloads in the shape of ``../shared/github-webhooks`` (written here, not copied).

Plain functions, importable from any test (``from tests.bot.webhooks import deliver``);
``conftest.py`` wraps the servers and queues they are sent to in fixtures.
"""

from __future__ import annotations

import http.client
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from bot.web.signature import sign

# Recognisable, so a test can assert that no log line or repr ever shows it.
SECRET = "amts-test-webhook-secret-0d5e"
INSTALLATION_ID = 4242


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def headers(
    body: bytes, event: str, delivery_id: str | None = None, secret: str | None = SECRET
) -> dict[str, str]:
    """GitHub's headers for ``body``; ``secret=None`` leaves the signature out."""
    found = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/amts-test",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "1",
    }
    if secret is not None:
        found["X-Hub-Signature-256"] = sign(secret, body)
    return found


def deliver(
    client: Any,
    event: str,
    payload: dict[str, Any] | bytes,
    *,
    delivery_id: str | None = None,
    secret: str | None = SECRET,
) -> Any:
    """POST ``payload`` to ``/webhook`` through a Flask test client, signed with ``secret``."""
    body = payload if isinstance(payload, bytes) else body_of(payload)
    return client.post("/webhook", data=body, headers=headers(body, event, delivery_id, secret))


def post(
    base_url: str,
    event: str,
    payload: dict[str, Any] | bytes,
    *,
    delivery_id: str | None = None,
    secret: str | None = SECRET,
) -> tuple[int, dict[str, Any]]:
    """The same over real HTTP to a running server: ``(status, JSON answer)``."""
    body = payload if isinstance(payload, bytes) else body_of(payload)
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request("POST", "/webhook", body, headers(body, event, delivery_id, secret))
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def _repository(full_name: str, default_branch: str) -> dict[str, Any]:
    owner, name = full_name.split("/")
    return {
        "id": abs(hash(full_name)) % 10**9,
        "name": name,
        "full_name": full_name,
        "private": False,
        "owner": {"login": owner, "type": "Organization"},
        "html_url": f"https://github.com/{full_name}",
        "clone_url": f"https://github.com/{full_name}.git",
        "default_branch": default_branch,
    }


def push_payload(
    repo: str = "d2l-ai/d2l-en",
    *,
    ref: str = "refs/heads/master",
    before: str = "a" * 40,
    after: str = "b" * 40,
    default_branch: str = "master",
    installation_id: int = INSTALLATION_ID,
    deleted: bool = False,
) -> dict[str, Any]:
    """A ``push`` event as GitHub sends it to an App (fields the bot reads, and a few more)."""
    return {
        "ref": ref,
        "before": before,
        "after": "0" * 40 if deleted else after,
        "created": before == "0" * 40,
        "deleted": deleted,
        "forced": False,
        "base_ref": None,
        "compare": f"https://github.com/{repo}/compare/{before[:12]}...{after[:12]}",
        "commits": [],
        "head_commit": None if deleted else {"id": after, "message": "Update the English"},
        "repository": _repository(repo, default_branch),
        "pusher": {"name": "astonzhang", "email": "aston@example.com"},
        "sender": {"login": "astonzhang", "type": "User"},
        "installation": {"id": installation_id, "node_id": "MDIzOkludGVncmF0aW9u"},
    }


def installation_payload(
    action: str = "created", installation_id: int = INSTALLATION_ID
) -> dict[str, Any]:
    return {
        "action": action,
        "installation": {"id": installation_id, "account": {"login": "d2l-ai"}},
        "repositories": [{"full_name": "d2l-ai/d2l-en", "private": False}],
        "sender": {"login": "astonzhang", "type": "User"},
    }


def comment_payload(action: str = "edited", repo: str = "d2l-ai/d2l-zh") -> dict[str, Any]:
    return {
        "action": action,
        "issue": {"number": 7, "pull_request": {"url": "…"}},
        "comment": {"id": 1, "body": "/amts help", "user": {"login": "x", "type": "User"}},
        "repository": _repository(repo, "master"),
        "sender": {"login": "x", "type": "User"},
        "installation": {"id": INSTALLATION_ID},
    }
