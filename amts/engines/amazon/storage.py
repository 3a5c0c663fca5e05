"""The S3 bucket where batch inputs, outputs and parallel data files live.

Keys are built below the configured prefix in one place, so that batch jobs and
parallel data uploads agree on the layout, and objects are read and written through
the engine's single AWS error boundary.
"""

from __future__ import annotations

from amts.engines.amazon.client import AwsClients
from amts.engines.amazon.settings import AmazonSettings
from amts.errors import EngineError


class Bucket:
    """The settings' bucket and key prefix; every object AMTS writes or reads there."""

    def __init__(self, aws: AwsClients, settings: AmazonSettings) -> None:
        self._aws = aws
        self.name = settings.bucket
        self.prefix = settings.prefix

    def key(self, *parts: str) -> str:
        return "/".join(part for part in (self.prefix, *parts) if part)

    def uri(self, key: str) -> str:
        return f"s3://{self.name}/{key}"

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._aws.call_s3(
            "PutObject",
            self.uri(key),
            Bucket=self.name,
            Key=key,
            Body=body,
            ContentType=content_type,
        )

    def read(self, key: str) -> str:
        """The object's text; anything but UTF-8 is an error, not a guess."""
        uri = self.uri(key)
        body = self._aws.call_s3("GetObject", uri, Bucket=self.name, Key=key)["Body"]
        try:
            return body.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EngineError(f"{uri}: translation output is not UTF-8") from exc
        finally:
            body.close()

    def keys_under(self, uri: str) -> list[str]:
        """Every key below the ``s3://bucket/prefix`` URI, in S3's order, across pages."""
        bucket, prefix = _split_s3_uri(uri)
        keys: list[str] = []
        token: dict[str, str] = {}
        while True:
            page = self._aws.call_s3("ListObjectsV2", uri, Bucket=bucket, Prefix=prefix, **token)
            keys.extend(item["Key"] for item in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return keys
            token = {"ContinuationToken": page["NextContinuationToken"]}


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key
