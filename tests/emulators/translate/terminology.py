"""Custom terminology: ImportTerminology, GetTerminology, and the terms a request may use.

Each import replaces the terminology whole (AMTS always imports with
``MergeStrategy=OVERWRITE``) and keeps its creation time, as in the service.
Real-time and batch translations look their terms up here; a terminology whose
source language is not the request's adds none.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from .data_files import Pairs, parse_pairs
from .protocol import ServiceError, not_found, now


@dataclass
class Terminology:
    name: str
    description: str
    source: str
    pairs: Pairs
    fmt: str
    directionality: str
    size: int
    created: float
    updated: float

    def properties(self, region: str, account: str) -> dict[str, Any]:
        props = {
            "Name": self.name,
            "Arn": f"arn:aws:translate:{region}:{account}:terminology/{self.name}/LATEST",
            "SourceLanguageCode": self.source,
            "TargetLanguageCodes": sorted(self.pairs),
            "SizeBytes": self.size,
            "TermCount": sum(len(p) for p in self.pairs.values()),
            "CreatedAt": self.created,
            "LastUpdatedAt": self.updated,
            "Directionality": self.directionality,
            "Format": self.fmt,
        }
        if self.description:
            props["Description"] = self.description
        return props


class TerminologyOperations:
    """The terminology operations of :class:`~.state.TranslateEmulator`, which holds the state."""

    region: str
    account_id: str
    _terminologies: dict[str, Terminology]

    def _import_terminology(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        data = params["TerminologyData"]
        raw = base64.b64decode(data["File"])
        source, pairs = parse_pairs(raw, data["Format"], what=f"terminology {name}")
        stamp = now()
        old = self._terminologies.get(name)
        self._terminologies[name] = Terminology(
            name=name,
            description=params.get("Description", ""),
            source=source,
            pairs=pairs,
            fmt=data["Format"],
            directionality=data.get("Directionality", "UNI"),
            size=len(raw),
            created=old.created if old else stamp,
            updated=stamp,
        )
        props = self._terminologies[name].properties(self.region, self.account_id)
        return {"TerminologyProperties": props}

    def _get_terminology(self, params: dict[str, Any]) -> dict[str, Any]:
        terminology = self._terminologies.get(params["Name"])
        if terminology is None:
            raise not_found(params["Name"])
        return {
            "TerminologyProperties": terminology.properties(self.region, self.account_id),
            "TerminologyDataLocation": {
                "RepositoryType": "S3",
                "Location": f"https://emulator.invalid/terminology/{terminology.name}",
            },
        }

    def _terms(self, names: list[str], source: str, target: str) -> dict[str, str]:
        """Source term → target term of the request's ``TerminologyNames`` (one at most)."""
        if len(names) > 1:
            raise ServiceError("InvalidRequestException", "only one terminology per request")
        if not names:
            return {}
        terminology = self._terminologies.get(names[0])
        if terminology is None:
            raise not_found(names[0])
        if terminology.source != source:
            return {}
        return dict(terminology.pairs.get(target, {}))
