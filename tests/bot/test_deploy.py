"""The deployment kit: files that parse, least permissions, and the services the README names."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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
# The image and compose run gunicorn with it (the App, gthread as measured, log lines).
GUNICORN_CONFIG = "deploy/gunicorn.conf.py"


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
    assert set(services) == {"check", "web", "worker", "redis"}
    web, worker = services["web"], services["worker"]
    assert web["command"] == ["gunicorn", "-c", GUNICORN_CONFIG]
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


def test_gunicorn_config_serves_the_app_on_gthread() -> None:
    """What ``bench/webhook_bench.py`` measured: the App on gthread workers."""
    config: dict[str, Any] = {}
    exec(
        compile((ROOT / GUNICORN_CONFIG).read_text(encoding="utf-8"), GUNICORN_CONFIG, "exec"),
        config,
    )
    assert config["wsgi_app"] == "bot.web.app:create_app()"
    assert config["worker_class"] == "gthread"
    assert config["threads"] > 1


def test_dockerfile_serves_as_a_non_root_user_without_secrets() -> None:
    """The image's default command is the webhook server, run by an unprivileged user;
    nothing secret is copied in or set."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert json.loads(cmd.removeprefix("CMD ")) == ["gunicorn", "-c", GUNICORN_CONFIG]
    assert f"COPY {GUNICORN_CONFIG} ./{GUNICORN_CONFIG}" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert not re.search(r"SECRET|PRIVATE_KEY|\.pem|amts\.env", "\n".join(lines))
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {"deploy/amts.env", "deploy/secrets", "*.pem"} <= set(ignored)


@pytest.mark.parametrize(
    "path",
    ["deploy/amts.env", "deploy/secrets/github-app-private-key.pem", "deploy/secrets/other"],
)
def test_secrets_the_readme_writes_are_git_ignored(path: str) -> None:
    """Following "Install the App" and then ``git add -A`` commits no secret."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT, check=False)
    assert done.returncode == 0, f"{path} is not git-ignored"


LOCK = "deploy/requirements.lock"


def _locked() -> dict[str, tuple[str, list[str]]]:
    """``name: (version, hashes)`` of every requirement in the lock."""
    text = (ROOT / LOCK).read_text(encoding="utf-8").replace("\\\n", " ")
    locked = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned with =="
        locked[canonicalize_name(name)] = (version, [o for o in options if o.startswith("--hash")])
    return locked


def test_the_image_installs_pinned_dependencies_by_hash() -> None:
    """The Dockerfile installs the lock with --require-hashes and then the App alone."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"pip install --require-hashes -r {LOCK}" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    assert dockerfile.index(f"COPY {LOCK}") < dockerfile.index("--require-hashes")
    assert all(hashes for _, hashes in _locked().values())
    assert "sh deploy/lock.sh" in (ROOT / LOCK).read_text(encoding="utf-8")


def test_the_lock_covers_the_app_and_ships_what_was_tested() -> None:
    """Every runtime dependency is pinned within its range, at the version installed where
    these tests run: the image runs what was tested and measured (``sh deploy/lock.sh``
    after a dependency change)."""
    locked = _locked()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for spec in project["project"]["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in {LOCK}; run sh deploy/lock.sh"
        assert requirement.specifier.contains(locked[name][0]), spec
    for name, (version, _) in locked.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a dependency of another platform
        assert installed == version, f"{name}: {LOCK} has {version}, tested {installed}"


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def test_a_configuration_error_does_not_restart_for_ever() -> None:
    """A bad setting exits (2 or gunicorn's 3) and would fail the same way on every
    restart: the settings are checked by a one-shot service that is never restarted, with
    the App's own environment and secret, and the services that restart without bound
    start only after it succeeded."""
    services = _compose()["services"]
    check = services["check"]
    assert check["command"] == ["amts", "check-settings"]
    assert check["restart"] == "no"
    assert "check" not in check.get("depends_on", {})
    for name in ("web", "worker"):
        for key in ("env_file", "environment", "secrets", "image"):
            assert check[key] == services[name][key], (name, key)
    for name, service in services.items():
        restart = service.get("restart", "no")
        bounded = restart == "no" or re.fullmatch(r"on-failure:\d+", restart)
        if bounded or service.get("image", "").startswith("redis:"):
            continue
        condition = service["depends_on"]["check"]["condition"]
        assert condition == "service_completed_successfully", name
