"""The emulator object: its state, its lifecycle, and the controls tests steer it with.

:class:`TranslateEmulator` holds every resource, job and recorded call behind one
lock, and is the WSGI application its server runs; the operations themselves are
mixed in from the module named after each (:mod:`.terminology`, :mod:`.parallel_data`,
:mod:`.jobs`, :mod:`.realtime`). Tests change its behaviour only through the methods
and attributes here, never through HTTP back doors, and assert on :attr:`calls`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from werkzeug.serving import BaseWSGIServer

from .app import respond, serve
from .jobs import RUNNING, Job, JobOperations
from .parallel_data import ParallelData, ParallelDataOperations
from .protocol import ServiceError
from .realtime import RealtimeOperations
from .terminology import Terminology, TerminologyOperations


@dataclass(frozen=True)
class Call:
    """One request as the emulator received it, and what it answered: an error code or a body."""

    operation: str
    params: dict[str, Any]
    error: str | None = None
    response: dict[str, Any] | None = None


class TranslateEmulator(
    RealtimeOperations, TerminologyOperations, ParallelDataOperations, JobOperations
):
    """Amazon Translate on ``127.0.0.1``; batch jobs read and write the given S3 endpoint."""

    def __init__(
        self,
        s3_endpoint_url: str,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        credentials: tuple[str, str] = ("testing", "testing"),
    ) -> None:
        self.s3_endpoint_url = s3_endpoint_url
        self.region = region
        self.account_id = account_id
        self._credentials = credentials
        self._lock = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._s3: Any = None
        self.url = ""
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "TranslateText": self._translate_text,
            "ImportTerminology": self._import_terminology,
            "GetTerminology": self._get_terminology,
            "CreateParallelData": self._create_parallel_data,
            "UpdateParallelData": self._update_parallel_data,
            "GetParallelData": self._get_parallel_data,
            "StartTextTranslationJob": self._start_job,
            "DescribeTextTranslationJob": self._describe_job,
            "ListTextTranslationJobs": self._list_jobs,
        }
        self.reset()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> TranslateEmulator:
        self._s3 = boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint_url,
            region_name=self.region,
            aws_access_key_id=self._credentials[0],
            aws_secret_access_key=self._credentials[1],
            config=Config(s3={"addressing_style": "path"}),
        )
        self._server, self._thread = serve(self)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._s3 is not None:
            self._s3.close()
        self._server = self._thread = self._s3 = None

    def __enter__(self) -> TranslateEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------------- WSGI

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return respond(environ, start_response, self._handlers, self._invoke)

    def _invoke(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one operation under the lock, throttled if a test asked so, and record it."""
        with self._lock:
            try:
                self._throttled(operation)
                body = self._handlers[operation](params)
            except ServiceError as exc:
                self.calls.append(Call(operation, params, exc.code))
                raise
            self.calls.append(Call(operation, params, response=body))
        return body

    def _throttled(self, operation: str) -> None:
        pending = self._throttles.get(operation)
        if pending:
            code, status = pending.pop(0)
            raise ServiceError(code, "Rate exceeded (emulated)", status)

    # -------------------------------------------------------------- test controls

    def reset(self) -> None:
        """Forget every resource, job, call and pending control; restore default pacing."""
        with self._lock:
            self.calls: list[Call] = []
            self.parallel_data_gets_until_active = 2
            self.job_polls: tuple[int, int] = (1, 1)  # Describe calls as SUBMITTED, IN_PROGRESS
            self.max_concurrent_jobs = 10
            self.max_running_jobs_seen = 0
            self.hold = False  # True: running jobs stay IN_PROGRESS until released
            self._throttles: dict[str, list[tuple[str, int]]] = {}
            self._fates: list[tuple[str, str, int]] = []
            self._corrupt: list[str] = []
            self._import_messages: list[str] = []
            self._terminologies: dict[str, Terminology] = {}
            self._parallel_data: dict[str, ParallelData] = {}
            self._jobs: dict[str, Job] = {}
            self._tokens: dict[tuple[str, str], Any] = {}

    def throttle(
        self, operation: str, times: int = 1, *, code: str = "TooManyRequestsException"
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with a throttling error.

        Translate documents ``TooManyRequestsException`` with HTTP 400; botocore's
        retry modes recognise it by its code, not by the status.
        """
        if operation not in self._handlers:
            raise ValueError(f"the emulator does not implement {operation}")
        with self._lock:
            self._throttles.setdefault(operation, []).extend([(code, 400)] * times)

    def fail_next_job(
        self,
        status: str = "FAILED",
        *,
        message: str | None = None,
        failed_documents: int = 1,
    ) -> None:
        """Make the next started job end ``FAILED`` or ``COMPLETED_WITH_ERROR``.

        With ``COMPLETED_WITH_ERROR`` the last ``failed_documents`` input documents (in
        key order) get no output, as when the service rejects single documents.
        """
        if status not in ("FAILED", "COMPLETED_WITH_ERROR"):
            raise ValueError(f"status must be FAILED or COMPLETED_WITH_ERROR, not {status!r}")
        default = (
            "Internal error while translating (emulated)"
            if status == "FAILED"
            else f"{failed_documents} document(s) could not be translated (emulated)"
        )
        with self._lock:
            self._fates.append((status, message or default, failed_documents))

    def explain_next_import(self, message: str) -> None:
        """Give the next parallel data import that becomes ACTIVE this ``Message`` (the
        service's word on a file it imported only in part)."""
        with self._lock:
            self._import_messages.append(message)

    def corrupt_placeholders(self, containing: str) -> None:
        """Drop the first ``translate="no"`` element of every block whose text has this."""
        with self._lock:
            self._corrupt.append(containing)

    def finish_jobs(self) -> list[str]:
        """Complete every running job now (jobs the code under test does not poll)."""
        with self._lock:
            running = [job for job in self._jobs.values() if job.status in RUNNING]
            for job in running:
                self._complete(job)
            return [job.job_id for job in running]

    def requests(self, operation: str) -> list[dict[str, Any]]:
        """Parameters of every successful call of ``operation``, in order."""
        with self._lock:
            return [c.params for c in self.calls if c.operation == operation and not c.error]

    def errors(self, operation: str) -> list[str]:
        with self._lock:
            return [c.error for c in self.calls if c.operation == operation and c.error]
