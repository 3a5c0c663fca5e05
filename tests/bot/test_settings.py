"""Settings from the environment: defaults, and one error naming each bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.settings import Settings

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n"  # noqa: E501


def env(**variables: str) -> dict[str, str]:
    return {"AMTS_WEBHOOK_SECRET": "s3cret", **variables}


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the secret is required; the queue is SQLite in the data dir."""
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env(env())
    assert settings.api_url == "https://api.github.com"
    assert settings.data_dir == tmp_path / "amts-data"
    assert settings.queue_url == f"sqlite:///{tmp_path}/amts-data/queue.db"
    assert settings.reconcile_minutes == 15
    assert settings.app_id is None and settings.private_key is None


def test_everything_set(tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(PEM)
    settings = Settings.from_env(
        env(
            AMTS_GITHUB_APP_ID="123456",
            AMTS_GITHUB_PRIVATE_KEY_FILE=str(key_file),
            AMTS_GITHUB_API_URL="http://127.0.0.1:9000/api/v3/",
            AMTS_QUEUE_URL="redis://127.0.0.1:6379/2",
            AMTS_DATA_DIR=str(tmp_path / "d"),
            AMTS_RECONCILE_MINUTES="7",
            AMTS_LOCK_SECONDS="30",
            AMTS_JOB_SECONDS="600",
            AMTS_MAX_FILE_BYTES="200000",
        )
    )
    assert settings.app_id == 123456
    assert settings.private_key == PEM
    assert settings.api_url == "http://127.0.0.1:9000/api/v3"
    assert settings.queue_url == "redis://127.0.0.1:6379/2"
    assert settings.data_dir == tmp_path / "d"
    assert (settings.reconcile_minutes, settings.lock_seconds) == (7, 30)
    assert (settings.job_seconds, settings.max_file_bytes) == (600, 200_000)
    settings.require_app()


def test_one_line_private_key() -> None:
    """A PEM kept on one line with literal \\n (as some secret stores do) is accepted."""
    settings = Settings.from_env(env(AMTS_GITHUB_PRIVATE_KEY=PEM.replace("\n", "\\n")))
    assert settings.private_key == PEM


@pytest.mark.parametrize(
    ("variables", "variable"),
    [
        pytest.param({"AMTS_WEBHOOK_SECRET": ""}, "AMTS_WEBHOOK_SECRET", id="no secret"),
        pytest.param({"AMTS_GITHUB_APP_ID": "my-app"}, "AMTS_GITHUB_APP_ID", id="app id"),
        pytest.param(
            {"AMTS_GITHUB_PRIVATE_KEY": "not a key"}, "AMTS_GITHUB_PRIVATE_KEY", id="not PEM"
        ),
        pytest.param(
            {"AMTS_GITHUB_PRIVATE_KEY_FILE": "/nonexistent/app.pem"},
            "AMTS_GITHUB_PRIVATE_KEY_FILE",
            id="key file missing",
        ),
        pytest.param(
            {"AMTS_GITHUB_PRIVATE_KEY": PEM, "AMTS_GITHUB_PRIVATE_KEY_FILE": "/x.pem"},
            "AMTS_GITHUB_PRIVATE_KEY",
            id="key twice",
        ),
        pytest.param({"AMTS_GITHUB_API_URL": "api.github.com"}, "AMTS_GITHUB_API_URL", id="api"),
        pytest.param({"AMTS_QUEUE_URL": "amqp://h/"}, "AMTS_QUEUE_URL", id="queue scheme"),
        pytest.param({"AMTS_QUEUE_URL": "redis://h:port/0"}, "AMTS_QUEUE_URL", id="redis port"),
        pytest.param({"AMTS_QUEUE_URL": "redis://h:6379/db"}, "AMTS_QUEUE_URL", id="redis db"),
        pytest.param({"AMTS_QUEUE_URL": "sqlite://"}, "AMTS_QUEUE_URL", id="sqlite no path"),
        pytest.param({"AMTS_RECONCILE_MINUTES": "0"}, "AMTS_RECONCILE_MINUTES", id="minutes"),
        pytest.param({"AMTS_LOCK_SECONDS": "1.5"}, "AMTS_LOCK_SECONDS", id="lock seconds"),
    ],
)
def test_errors_name_the_variable(variables: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env(**variables))
    assert str(caught.value).startswith(f"{variable}: ")
    assert caught.value.variable == variable
    assert "\n" not in str(caught.value)


def test_queue_url_error_hides_the_redis_password() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env(AMTS_QUEUE_URL="redis://:hunter2@h:6379/x"))
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("variables", "variable"),
    [
        pytest.param({}, "AMTS_GITHUB_APP_ID", id="no app id"),
        pytest.param({"AMTS_GITHUB_APP_ID": "1"}, "AMTS_GITHUB_PRIVATE_KEY", id="no key"),
    ],
)
def test_workers_need_the_app_identity(variables: dict[str, str], variable: str) -> None:
    settings = Settings.from_env(env(**variables))
    with pytest.raises(SettingsError, match=f"^{variable}: "):
        settings.require_app()


def test_repr_hides_secrets() -> None:
    settings = Settings.from_env(env(AMTS_GITHUB_APP_ID="1", AMTS_GITHUB_PRIVATE_KEY=PEM))
    shown = repr(settings)
    assert "s3cret" not in shown
    assert "PRIVATE KEY" not in shown and "MIIBOgIBAAJB" not in shown
    assert "app_id=1" in shown
