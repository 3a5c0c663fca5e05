"""The custom resources that steer translations: terminology and parallel data.

Both are account-wide resources made from local files, so they are brought up to date
before the first translation that needs them and then left alone: the glossary is
imported once per language pair and engine, and the parallel data file is re-imported
only when its contents change. One lock per engine keeps threads from importing the
same resource twice.

An import that succeeds may still leave records out: the service counts them in
``GetParallelData`` (``SkippedRecordCount``: empty segments or lines;
``FailedRecordCount``: records it could not import, e.g. a segment over its 1,000-byte
quota). After each import they are logged and handed to ``note``, so the engine can tell
the user what the service refused.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from amts.align.glossary import Glossary, load_glossary
from amts.engines.amazon.client import AmazonServiceError, AwsClients
from amts.engines.amazon.polling import Backoff
from amts.engines.amazon.settings import PARALLEL_DATA_FORMATS, AmazonSettings
from amts.engines.amazon.storage import Bucket
from amts.errors import EngineError, InputError

logger = logging.getLogger(__package__)  # one logger name for the whole engine

_BUSY_PARALLEL_DATA = frozenset({"CREATING", "UPDATING", "DELETING"})


class Resources:
    """Terminology and parallel data of one engine, imported when missing or stale."""

    def __init__(
        self,
        settings: AmazonSettings,
        aws: AwsClients,
        bucket: Bucket,
        sleep: Callable[[float], None],
        note: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.settings = settings
        self._aws = aws
        self._bucket = bucket
        self._sleep = sleep
        self._note = note
        self._lock = threading.Lock()
        self._terminology_done: set[tuple[str, str]] = set()

    # ---------------------------------------------------------------- terminology

    def terminology(self, src: str, tgt: str) -> list[str]:
        """Names to pass as ``TerminologyNames``; imports the glossary once per language pair."""
        settings = self.settings
        if not settings.terminology_name:
            return []
        names = [settings.terminology_name]
        if settings.glossary is None:
            return names  # a terminology someone imported already
        with self._lock:
            if (src, tgt) in self._terminology_done:
                return names
            if isinstance(settings.glossary, Glossary):
                glossary = settings.glossary
                if (glossary.src_lang, glossary.tgt_lang) != (src, tgt):
                    raise InputError(
                        f"glossary is {glossary.src_lang}→{glossary.tgt_lang} but the "
                        f"translation is {src}→{tgt}"
                    )
            else:
                glossary = load_glossary(settings.glossary, src_lang=src, tgt_lang=tgt)
            data = glossary.to_csv().encode("utf-8")
            self._aws.call_translate(
                "ImportTerminology",
                f"terminology {settings.terminology_name}",
                Name=settings.terminology_name,
                MergeStrategy="OVERWRITE",
                Description=f"AMTS glossary, {len(glossary)} terms",
                TerminologyData={"File": data, "Format": "CSV", "Directionality": "UNI"},
            )
            logger.info(
                "imported %d glossary terms as terminology %s",
                len(glossary),
                settings.terminology_name,
            )
            self._terminology_done.add((src, tgt))
        return names

    # -------------------------------------------------------------- parallel data

    def parallel_data(self, src: str, tgt: str) -> list[str]:
        """Create or update the parallel data resource from the file, and wait until ACTIVE.

        The file's SHA-256 is kept in the resource's description, so an unchanged file
        costs one ``GetParallelData`` and no re-import.
        """
        settings = self.settings
        path, name = settings.parallel_data_path, settings.parallel_data_name
        if path is None or name is None:
            return []
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read parallel data ({exc.strerror})") from exc
        digest = hashlib.sha256(data).hexdigest()
        marker = f"AMTS parallel data sha256={digest}"
        fmt = PARALLEL_DATA_FORMATS[path.suffix.lower()]
        with self._lock:
            uri = None
            created = False
            imported = ""  # the operation this engine ran: its outcome is reported
            if self._get_parallel_data(name) is None:
                uri = self._upload_parallel_data(path, name, digest, data)
                created = self._create_parallel_data(name, uri, fmt, marker)
                imported = "created" if created else ""
            if not created:
                props = self._settled_parallel_data(name)
                fresh = (
                    props.get("Description") == marker
                    and props.get("Status") == "ACTIVE"
                    and props.get("LatestUpdateAttemptStatus", "ACTIVE") == "ACTIVE"
                )
                if fresh:
                    logger.debug("parallel data %s is up to date", name)
                else:
                    uri = uri or self._upload_parallel_data(path, name, digest, data)
                    self._update_parallel_data(name, uri, fmt, marker)
                    imported = "updated"
            props = self._settled_parallel_data(name)
        if props.get("Status") != "ACTIVE" or props.get("LatestUpdateAttemptStatus") == "FAILED":
            raise EngineError(
                f"parallel data {name} from {path} could not be imported "
                f"(status {props.get('Status')}, latest update "
                f"{props.get('LatestUpdateAttemptStatus', '-')}): {props.get('Message', '')}"
            )
        if imported:
            self._report_import(name, imported, props)
        if tgt not in props.get("TargetLanguageCodes", [tgt]):
            raise InputError(
                f"{path}: parallel data {name} has no {tgt!r} column "
                f"(it has {', '.join(props.get('TargetLanguageCodes', []))})"
            )
        return [name]

    def _report_import(self, name: str, operation: str, props: dict[str, Any]) -> None:
        """Log and note what the service imported, skipped and refused: records it refuses
        are missing from the examples that steer every job, and only it can tell."""
        imported = props.get("ImportedRecordCount", 0)
        skipped = props.get("SkippedRecordCount", 0)
        failed = props.get("FailedRecordCount", 0)
        note = (
            f"parallel data {name} {operation}: Amazon Translate imported {imported} "
            f"records, skipped {skipped}, failed {failed}"
        )
        if operation == "updated":
            note += f" (latest update {props.get('LatestUpdateAttemptStatus', '-')})"
        if props.get("Message"):
            note += f": {props['Message']}"
        if skipped or failed:
            logger.warning("%s", note)
            self._note(note)
        else:
            logger.info("%s", note)

    def _create_parallel_data(self, name: str, uri: str, fmt: str, marker: str) -> bool:
        """CreateParallelData; False when another process created it first."""
        try:
            self._import_parallel_data("CreateParallelData", name, uri, fmt, marker)
        except AmazonServiceError as exc:
            if exc.code != "ConflictException":
                raise
            logger.info("parallel data %s was created elsewhere meanwhile", name)
            return False
        logger.info("creating parallel data %s from %s", name, uri)
        return True

    def _update_parallel_data(self, name: str, uri: str, fmt: str, marker: str) -> None:
        """UpdateParallelData; if another update got in first, wait for it and try again."""
        for attempt in range(3):
            try:
                self._import_parallel_data("UpdateParallelData", name, uri, fmt, marker)
                logger.info("updating parallel data %s", name)
                return
            except AmazonServiceError as exc:
                in_flight = exc.code in ("ConcurrentModificationException", "ConflictException")
                if not in_flight or attempt == 2:
                    raise
                logger.info("parallel data %s is being modified elsewhere; waiting", name)
                self._settled_parallel_data(name)

    def _import_parallel_data(
        self, operation: str, name: str, uri: str, fmt: str, marker: str
    ) -> None:
        """Create or Update: both take the same request, the marker as the description."""
        self._aws.call_translate(
            operation,
            f"parallel data {name}",
            Name=name,
            Description=marker,
            ClientToken=uuid.uuid4().hex,
            ParallelDataConfig={"S3Uri": uri, "Format": fmt},
        )

    def _get_parallel_data(self, name: str) -> dict[str, Any] | None:
        try:
            response = self._aws.call_translate(
                "GetParallelData", f"parallel data {name}", Name=name
            )
        except AmazonServiceError as exc:
            if exc.code == "ResourceNotFoundException":
                return None
            raise
        return response["ParallelDataProperties"]

    def _settled_parallel_data(self, name: str) -> dict[str, Any]:
        """Poll until neither the resource nor its latest update attempt is in flight."""
        deadline = time.monotonic() + self.settings.job_timeout_seconds
        backoff = Backoff(self.settings, self._sleep, deadline)
        while True:
            props = self._get_parallel_data(name)
            if props is None:
                raise EngineError(f"parallel data {name} disappeared while AMTS waited for it")
            busy = {props.get("Status"), props.get("LatestUpdateAttemptStatus")}
            if not busy & _BUSY_PARALLEL_DATA:
                return props
            if backoff.overdue():
                raise EngineError(
                    f"parallel data {name} still {props.get('Status')}/"
                    f"{props.get('LatestUpdateAttemptStatus', '-')} after "
                    f"{self.settings.job_timeout_seconds:g}s"
                )
            backoff.sleep()

    def _upload_parallel_data(self, path: Path, name: str, digest: str, data: bytes) -> str:
        key = self._bucket.key("parallel-data", name, f"{digest[:16]}{path.suffix.lower()}")
        self._bucket.put(key, data, "text/plain; charset=utf-8")
        return self._bucket.uri(key)
