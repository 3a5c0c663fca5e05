"""Start the local services on free loopback ports and always shut them down.

Context managers rather than fixtures, so that every test package can wrap them in
fixtures of the scope it needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from .github import GitHubEmulator
from .translate import TranslateEmulator

REGION = "us-east-1"
# Recognisable dummies: a test can assert that no message ever contains them.
CREDENTIALS = {
    "aws_access_key_id": "AKIAAMTSDUMMYKEY0000",
    "aws_secret_access_key": "amts-dummy-secret-not-a-real-key",
}
ROLE_ARN = "arn:aws:iam::123456789012:role/amts-translate-test"


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in server mode (S3 and friends) on ``127.0.0.1``; yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@contextmanager
def translate_emulator(s3_endpoint_url: str, **options: Any) -> Iterator[TranslateEmulator]:
    """The Amazon Translate emulator, reading and writing S3 at ``s3_endpoint_url``."""
    emulator = TranslateEmulator(
        s3_endpoint_url,
        region=REGION,
        credentials=(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"]),
        **options,
    )
    with emulator:
        yield emulator


@contextmanager
def github_emulator(tmp_path: Path, **options: Any) -> Iterator[GitHubEmulator]:
    """The GitHub emulator, started; its bare repositories live under ``tmp_path/github``."""
    with GitHubEmulator(Path(tmp_path) / "github", **options) as emulator:
        yield emulator


def session() -> boto3.Session:
    """A boto3 session with dummy credentials, so no test reads the real ones."""
    return boto3.Session(region_name=REGION, **CREDENTIALS)


def s3_client(endpoint_url: str) -> Any:
    return session().client(
        "s3", endpoint_url=endpoint_url, config=Config(s3={"addressing_style": "path"})
    )


def translate_client(endpoint_url: str, **config: Any) -> Any:
    return session().client("translate", endpoint_url=endpoint_url, config=Config(**config))
