"""The deployment kit: files that parse, least permissions, and the services the README names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENGINE = ROOT / "amts" / "engines" / "amazon"

# Hand-written from the issue: what the App needs, and nothing more.
APP_PERMISSIONS = {
    "contents": "write",
    "pull_requests": "write",
    "issues": "write",
    "checks": "write",
    "metadata": "read",
}
# installation / installation_repositories reach every App and cannot be subscribed to.
APP_EVENTS = {"push", "pull_request", "issue_comment", "issues"}


def _json(name: str) -> Any:
    return json.loads((DEPLOY / name).read_text(encoding="utf-8"))


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    assert policy["Version"] == "2012-10-17"
    return policy["Statement"]


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


@pytest.mark.parametrize(
    "name",
    [pytest.param(p.name, id=p.name) for p in sorted(DEPLOY.glob("*.json"))],
)
def test_json_files_parse(name: str) -> None:
    """Every JSON file of the kit is valid JSON (GitHub and IAM reject anything else)."""
    assert isinstance(_json(name), dict)


def test_manifest_asks_for_the_least_permissions() -> None:
    """The manifest's permissions and events are exactly the ones the App uses."""
    manifest = _json("app-manifest.json")
    assert manifest["default_permissions"] == APP_PERMISSIONS
    assert set(manifest["default_events"]) == APP_EVENTS
    assert len(manifest["default_events"]) == len(APP_EVENTS)
    assert manifest["public"] is False
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    assert manifest["hook_attributes"].get("active", True) is True


def test_iam_policy_allows_exactly_the_engines_calls() -> None:
    """Every Amazon Translate operation the engine calls is allowed, and no other one."""
    called = set()
    for source in ENGINE.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        called |= set(re.findall(r'call_translate\(\s*"([A-Za-z]+)"', text))
        called |= set(re.findall(r'_import_parallel_data\(\s*"([A-Za-z]+)"', text))
    assert {"StartTextTranslationJob", "TranslateText", "ImportTerminology"} <= called
    allowed = set()
    for statement in _statements(_json("iam-policy.json")):
        assert statement["Effect"] == "Allow"
        allowed |= {a.split(":", 1)[1] for a in _actions(statement) if a.startswith("translate:")}
    assert allowed == called


def test_iam_policy_keeps_s3_and_passrole_narrow() -> None:
    """S3 only under the prefix, listing only with a prefix condition, PassRole only to
    Amazon Translate and only for the data-access role."""
    statements = _statements(_json("iam-policy.json"))
    for statement in statements:
        actions = _actions(statement)
        assert not any(a.endswith("*") for a in actions), actions
        if "s3:ListBucket" in actions:
            assert statement["Resource"] == "arn:aws:s3:::BUCKET"
            assert statement["Condition"]["StringLike"]["s3:prefix"] == ["amts/*"]
        elif any(a.startswith("s3:") for a in actions):
            assert statement["Resource"] == "arn:aws:s3:::BUCKET/amts/*"
            assert actions <= {"s3:GetObject", "s3:PutObject"}
        if "iam:PassRole" in actions:
            assert actions == {"iam:PassRole"}
            assert statement["Resource"].endswith(":role/amts-translate-data-access")
            condition = statement["Condition"]["StringEquals"]
            assert condition == {"iam:PassedToService": "translate.amazonaws.com"}
    assert any("iam:PassRole" in _actions(s) for s in statements)


def test_data_access_role_is_for_translate_only() -> None:
    """The role trusts only Amazon Translate of this account, and may only read the job
    inputs and write the job outputs."""
    (trust,) = _statements(_json("iam-data-access-role-trust.json"))
    assert trust["Principal"] == {"Service": "translate.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == "ACCOUNT_ID"
    granted = {
        action: statement["Resource"]
        for statement in _statements(_json("iam-data-access-role-policy.json"))
        for action in _actions(statement)
    }
    assert granted == {
        "s3:ListBucket": "arn:aws:s3:::BUCKET",
        "s3:GetObject": "arn:aws:s3:::BUCKET/amts/jobs/*",
        "s3:PutObject": "arn:aws:s3:::BUCKET/amts/jobs/*/output/*",
    }


def test_compose_file_runs_web_workers_and_redis() -> None:
    """web on gunicorn with a health check, scalable workers, Redis as the shared queue,
    and the private key as a file secret rather than an environment variable."""
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"web", "worker", "redis"}
    web, worker = services["web"], services["worker"]
    assert web["command"][0] == "gunicorn"
    assert "bot.app:create_app()" in web["command"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert worker["command"][:2] == ["amts", "worker"]
    assert worker["deploy"]["replicas"] >= 2
    assert services["redis"]["image"].startswith("redis:")
    for service in (web, worker):
        env = service["environment"]
        assert env["AMTS_QUEUE_URL"].startswith("redis://redis:")
        assert env["AMTS_GITHUB_PRIVATE_KEY_FILE"] == "/run/secrets/github_app_private_key"
        assert "AMTS_GITHUB_PRIVATE_KEY" not in env and "AMTS_WEBHOOK_SECRET" not in env
        assert service["secrets"] == ["github_app_private_key"]
        assert service["env_file"] == "amts.env"
    assert "file" in compose["secrets"]["github_app_private_key"]
    assert {"amts-data", "redis-data"} <= set(compose["volumes"])


def test_dockerfile_serves_as_a_non_root_user_without_secrets() -> None:
    """The image's default command is the webhook server, run by an unprivileged user;
    nothing secret is copied in or set."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert "gunicorn" in cmd and "bot.app:create_app()" in cmd
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert not re.search(r"SECRET|PRIVATE_KEY|\.pem|amts\.env", "\n".join(lines))
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {"deploy/amts.env", "deploy/secrets", "*.pem"} <= set(ignored)
