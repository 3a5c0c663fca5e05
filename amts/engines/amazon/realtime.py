"""Real-time translation: one ``TranslateText`` call per segment.

It answers at once, with no S3 round trip and no job to wait for, but parallel data
does not steer it and one request may carry at most :data:`TEXT_MAX_BYTES`; so the
engine sends only small inputs without parallel data this way. Terminology applies in
both modes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from amts.book.placeholders import mask
from amts.engines.amazon.client import AwsClients
from amts.engines.amazon.resources import Resources
from amts.engines.amazon.segments import restore
from amts.engines.base import Translation

TEXT_MAX_BYTES = 10_000  # TranslateText's limit on one request's text, in UTF-8 bytes


class RealtimeTranslator:
    """Translates segment by segment with ``TranslateText``."""

    def __init__(
        self,
        aws: AwsClients,
        resources: Resources,
        count: Callable[[Sequence[str]], None],
    ) -> None:
        self._aws = aws
        self._resources = resources
        self._count = count

    def translate(self, texts: list[str], src: str, tgt: str) -> dict[str, Translation]:
        terminology = self._resources.terminology(src, tgt)
        results = {}
        for text in texts:
            masked = mask(text)
            params: dict[str, Any] = {
                "Text": masked.text,
                "SourceLanguageCode": src,
                "TargetLanguageCode": tgt,
            }
            if terminology:
                params["TerminologyNames"] = terminology
            response = self._aws.call_translate(
                "TranslateText", f"segment {_short(text)!r}", **params
            )
            self._count([text])
            results[text] = restore(masked, response["TranslatedText"], "amazon:realtime")
        return results


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
