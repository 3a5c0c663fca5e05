"""The webhook signature, checked against GitHub's documented example."""

from __future__ import annotations

import pytest

from bot.web.signature import sign, verify

# From GitHub's "Validating webhook deliveries" page.
DOC_SECRET = "It's a Secret to Everybody"
DOC_BODY = b"Hello, World!"
DOC_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_sign_matches_githubs_example() -> None:
    assert sign(DOC_SECRET, DOC_BODY) == DOC_SIGNATURE
    assert sign(DOC_SECRET.encode(), DOC_BODY) == DOC_SIGNATURE


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        pytest.param(DOC_BODY, DOC_SIGNATURE, True, id="good"),
        pytest.param(DOC_BODY + b" ", DOC_SIGNATURE, False, id="body changed"),
        pytest.param(DOC_BODY, DOC_SIGNATURE[:-1] + "0", False, id="one digit off"),
        pytest.param(DOC_BODY, DOC_SIGNATURE.replace("sha256=", "sha1="), False, id="sha1"),
        pytest.param(DOC_BODY, DOC_SIGNATURE[len("sha256=") :], False, id="no prefix"),
        pytest.param(DOC_BODY, "", False, id="empty"),
        pytest.param(DOC_BODY, None, False, id="missing"),
    ],
)
def test_verify(body: bytes, header: str | None, expected: bool) -> None:
    assert verify(DOC_SECRET, body, header) is expected


def test_verify_with_another_secret() -> None:
    assert not verify("another secret", DOC_BODY, DOC_SIGNATURE)
