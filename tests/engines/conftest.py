"""Fixtures for engine tests: moto (S3) and the Translate emulator on loopback ports."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The emulators live in the ``tests`` tree, which is not installed: make it importable
# when pytest is started without the repository root on sys.path (bare ``pytest``).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from amts.engines.amazon import AmazonEngine, AmazonSettings  # noqa: E402
from tests.emulators.servers import (  # noqa: E402
    REGION,
    ROLE_ARN,
    moto_server,
    s3_client,
    session,
    translate_emulator,
)
from tests.emulators.translate import TranslateEmulator  # noqa: E402


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def translate_service(s3_endpoint: str) -> Iterator[TranslateEmulator]:
    with translate_emulator(s3_endpoint) as emulator:
        yield emulator


@pytest.fixture
def emulator(translate_service: TranslateEmulator) -> Iterator[TranslateEmulator]:
    """The shared emulator, emptied before and after each test."""
    translate_service.reset()
    yield translate_service
    translate_service.reset()


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[Any]:
    client = s3_client(s3_endpoint)
    yield client
    client.close()


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"amts-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_engine(
    emulator: TranslateEmulator, s3_endpoint: str, bucket: str
) -> Iterator[Callable[..., AmazonEngine]]:
    """Build engines against the local services, with test-speed polling; closes them."""
    engines: list[AmazonEngine] = []

    def make(**options: Any) -> AmazonEngine:
        settings: dict[str, Any] = {
            "region": REGION,
            "bucket": bucket,
            "data_access_role_arn": ROLE_ARN,
            "translate_endpoint_url": emulator.url,
            "s3_endpoint_url": s3_endpoint,
            "poll_seconds": 0.005,
            "max_poll_seconds": 0.02,
            "job_timeout_seconds": 10.0,
            "max_attempts": 3,
        }
        settings.update(options)
        engine = AmazonEngine(AmazonSettings(**settings), session=session())
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()
