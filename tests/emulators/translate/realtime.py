"""Real-time translation: TranslateText, with its size limit and applied terminology.

The text is pseudo-translated as one HTML block (or as ``<p>`` blocks if it has them),
so protected spans survive exactly as in a batch job, and the terms used are reported
in ``AppliedTerminologies`` as the service reports them.
"""

from __future__ import annotations

from typing import Any

from .protocol import ServiceError
from .pseudo import Rules, translate_html

TEXT_MAX_BYTES = 10_000  # TranslateText quota: "Maximum input text 10,000 bytes"


class RealtimeOperations:
    """TranslateText of :class:`~.state.TranslateEmulator`; terms come from its ``_terms``."""

    _corrupt: list[str]

    def _translate_text(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params["Text"]
        size = len(text.encode("utf-8"))
        if size > TEXT_MAX_BYTES:
            raise ServiceError(
                "TextSizeLimitExceededException",
                f"Input text size exceeds limit. Max length of request text allowed is "
                f"{TEXT_MAX_BYTES} bytes while in this request the text size is {size} bytes",
            )
        source, target = params["SourceLanguageCode"], params["TargetLanguageCode"]
        names = params.get("TerminologyNames", [])
        rules = Rules(target, terms=self._terms(names, source, target), corrupt=self._corrupt)
        translated = translate_html(text, rules)
        body: dict[str, Any] = {
            "TranslatedText": translated,
            "SourceLanguageCode": source,
            "TargetLanguageCode": target,
        }
        if names:
            body["AppliedTerminologies"] = [
                {
                    "Name": names[0],
                    "Terms": [{"SourceText": s, "TargetText": t} for s, t in rules.applied.items()],
                }
            ]
        return body
