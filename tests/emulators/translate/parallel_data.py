"""Parallel data: CreateParallelData, UpdateParallelData, GetParallelData, and its use by jobs.

An import is asynchronous in the service; here it advances one step per
``GetParallelData`` call (``parallel_data_gets_until_active`` of them) instead of by
wall-clock time. A resource keeps serving its last ACTIVE import while an update is
pending, and a failed update leaves it ACTIVE with ``LatestUpdateAttemptStatus=FAILED``,
as in the service; those are the states the engine has to wait out or report. An
import that succeeds may still have refused records: ``ImportedRecordCount``,
``SkippedRecordCount`` and ``FailedRecordCount`` say how many (see :mod:`.data_files`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from .data_files import Pairs, RecordCounts, parse_parallel_data
from .protocol import ServiceError, idempotent, not_found, now, split_s3_uri


@dataclass
class Import:
    """One create or update attempt of a parallel data resource, still being imported."""

    config: dict[str, str]
    description: str
    source: str
    pairs: Pairs
    failure: str
    size: int
    gets_left: int
    at: float
    counts: RecordCounts = field(default_factory=RecordCounts)


@dataclass
class ParallelData:
    name: str
    status: str
    created: float
    active: Import | None = None
    pending: Import | None = None
    latest_status: str | None = None
    latest_at: float | None = None
    message: str = ""

    def properties(self, region: str, account: str) -> dict[str, Any]:
        shown = self.active or self.pending
        assert shown is not None
        props: dict[str, Any] = {
            "Name": self.name,
            "Arn": f"arn:aws:translate:{region}:{account}:parallel-data/{self.name}",
            "Status": self.status,
            "SourceLanguageCode": shown.source,
            "TargetLanguageCodes": sorted(shown.pairs),
            "ParallelDataConfig": shown.config,
            "ImportedDataSize": shown.size if self.active else 0,
            "ImportedRecordCount": shown.counts.imported if self.active else 0,
            "FailedRecordCount": shown.counts.failed if self.active else 0,
            "SkippedRecordCount": shown.counts.skipped if self.active else 0,
            "CreatedAt": self.created,
            "LastUpdatedAt": shown.at,
        }
        if shown.description:
            props["Description"] = shown.description
        if self.message:
            props["Message"] = self.message
        if self.latest_status:
            props["LatestUpdateAttemptStatus"] = self.latest_status
            props["LatestUpdateAttemptAt"] = self.latest_at
        return props


class ParallelDataOperations:
    """The parallel data operations of :class:`~.state.TranslateEmulator`, which holds the state."""

    region: str
    account_id: str
    parallel_data_gets_until_active: int
    _parallel_data: dict[str, ParallelData]
    _import_messages: list[str]
    _tokens: dict[tuple[str, str], Any]
    _lock: threading.RLock
    _s3: Any

    def _load_import(self, params: dict[str, Any]) -> Import:
        config = params["ParallelDataConfig"]
        fmt = config.get("Format", "")
        failure, source, pairs, size, counts = "", "", {}, 0, RecordCounts()
        try:
            bucket, key = split_s3_uri(config["S3Uri"])
            raw = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            size = len(raw)
            source, pairs, counts = parse_parallel_data(
                raw, fmt, what=f"parallel data {params['Name']}"
            )
        except ServiceError as exc:
            failure = exc.message
        except Exception as exc:  # the real service reports import problems asynchronously
            failure = f"could not read {config.get('S3Uri')}: {exc}"
        return Import(
            config=dict(config),
            description=params.get("Description", ""),
            source=source,
            pairs=pairs,
            failure=failure,
            size=size,
            gets_left=self.parallel_data_gets_until_active,
            at=now(),
            counts=counts,
        )

    @idempotent("CreateParallelData")
    def _create_parallel_data(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        if name in self._parallel_data:
            raise ServiceError("ConflictException", f"parallel data {name} already exists")
        attempt = self._load_import(params)
        self._parallel_data[name] = ParallelData(
            name=name, status="CREATING", created=attempt.at, pending=attempt
        )
        return {"Name": name, "Status": "CREATING"}

    @idempotent("UpdateParallelData")
    def _update_parallel_data(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        resource = self._parallel_data.get(name)
        if resource is None:
            raise ServiceError("ResourceNotFoundException", f"parallel data {name} not found")
        if resource.status not in ("ACTIVE", "FAILED") or resource.pending is not None:
            raise ServiceError(
                "ConcurrentModificationException",
                f"Another modification is being made to parallel data {name}. That "
                "modification must complete before you can make your change.",
            )
        resource.pending = self._load_import(params)
        resource.latest_status, resource.latest_at = "UPDATING", resource.pending.at
        return {
            "Name": name,
            "Status": resource.status,
            "LatestUpdateAttemptStatus": "UPDATING",
            "LatestUpdateAttemptAt": resource.latest_at,
        }

    def _get_parallel_data(self, params: dict[str, Any]) -> dict[str, Any]:
        resource = self._parallel_data.get(params["Name"])
        if resource is None:
            raise not_found(params["Name"])
        self._advance_import(resource)
        location = {"RepositoryType": "S3", "Location": "https://emulator.invalid/parallel-data"}
        return {
            "ParallelDataProperties": resource.properties(self.region, self.account_id),
            "DataLocation": location,
        }

    def _advance_import(self, resource: ParallelData) -> None:
        attempt = resource.pending
        if attempt is None:
            return
        attempt.gets_left -= 1
        if attempt.gets_left > 0:
            return
        resource.pending = None
        creating = resource.status == "CREATING"
        if attempt.failure:
            resource.message = attempt.failure
            if creating:
                resource.status, resource.active = "FAILED", attempt
            else:
                resource.latest_status = "FAILED"
            return
        resource.active = attempt
        resource.message = self._import_messages.pop(0) if self._import_messages else ""
        resource.status = "ACTIVE"
        if not creating:
            resource.latest_status = "ACTIVE"

    def _memory(self, names: list[str], target: str) -> dict[str, str]:
        """Source → target sentences a job gets from its ``ParallelDataNames``."""
        memory: dict[str, str] = {}
        for name in names:
            resource = self._parallel_data.get(name)
            if resource is None:
                raise ServiceError("ResourceNotFoundException", f"parallel data {name} not found")
            if resource.active is None:
                raise ServiceError(
                    "InvalidRequestException", f"parallel data {name} is {resource.status}"
                )
            memory.update(resource.active.pairs.get(target, {}))
        return memory

    def parallel_data_pairs(self, name: str, target: str) -> dict[str, str]:
        """The pairs a job would use now (the last import that became ACTIVE)."""
        with self._lock:
            resource = self._parallel_data[name]
            return dict(resource.active.pairs.get(target, {})) if resource.active else {}
