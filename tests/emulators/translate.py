"""A local Amazon Translate for tests: the real JSON 1.1 wire protocol, fake translations.

botocore talks to it over HTTP exactly as to ``translate.<region>.amazonaws.com``
(``X-Amz-Target: AWSShineFrontendService_20170701.<Operation>``), so the engine code
under test is the production code path. Tests steer it through the Python object
(:meth:`TranslateEmulator.throttle`, :meth:`~TranslateEmulator.fail_next_job`, …),
never through HTTP back doors, and assert on :attr:`TranslateEmulator.calls`.

Pseudo-translation is deterministic so a test can tell where words came from:

* a block equal to a source sentence of the job's parallel data becomes that pair's
  target (proof that the parallel data reached the job);
* a term of the requested terminology becomes its target term;
* everything else becomes ``〔zh〕`` + the text; ``translate="no"`` elements are copied.

Differences from the real service, on purpose: a job advances one stage per
``DescribeTextTranslationJob`` call instead of by wall-clock time, and a job started
while ``max_concurrent_jobs`` are running is refused with ``LimitExceededException``
(the real service would queue it) so that the engine's own limit is tested.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

TARGET_PREFIX = "AWSShineFrontendService_20170701"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
TEXT_MAX_BYTES = 10_000  # TranslateText quota: "Maximum input text 10,000 bytes"
RUNNING = ("SUBMITTED", "IN_PROGRESS")
FINAL = ("COMPLETED", "COMPLETED_WITH_ERROR", "FAILED", "STOPPED")

Pairs = dict[str, dict[str, str]]  # target language → source text → target text


class ServiceError(Exception):
    """An error the emulator answers in the service's shape (``__type`` + ``Message``)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Call:
    """One request as the emulator received it, and what it answered: an error code or a body."""

    operation: str
    params: dict[str, Any]
    error: str | None = None
    response: dict[str, Any] | None = None


# --------------------------------------------------------------------------- data files


def parse_pairs(data: bytes, fmt: str, *, what: str) -> tuple[str, Pairs]:
    """Source language and pairs of a CSV/TSV/TMX terminology or parallel data file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError("InvalidParameterValueException", f"{what} is not UTF-8") from exc
    if fmt == "TMX":
        return _parse_tmx(text, what=what)
    if fmt not in ("CSV", "TSV"):
        raise ServiceError("InvalidParameterValueException", f"unsupported format {fmt!r}")
    rows = [row for row in csv.reader(io.StringIO(text), delimiter="," if fmt == "CSV" else "\t")]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ServiceError(
            "InvalidParameterValueException",
            f"{what}: expected a header of language codes and at least one entry",
        )
    header = [cell.strip() for cell in rows[0]]
    pairs: Pairs = {lang: {} for lang in header[1:]}
    for row in rows[1:]:
        for lang, cell in zip(header[1:], row[1:], strict=False):
            if row[0] and cell:
                pairs[lang][row[0]] = cell
    return header[0], pairs


def _parse_tmx(text: str, *, what: str) -> tuple[str, Pairs]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ServiceError("InvalidParameterValueException", f"{what}: bad TMX: {exc}") from exc
    lang_key = "{http://www.w3.org/XML/1998/namespace}lang"
    header = root.find("header")
    source = header.get("srclang", "") if header is not None else ""
    pairs: Pairs = {}
    for tu in root.iter("tu"):
        segs = {
            (tuv.get(lang_key) or tuv.get("lang") or ""): "".join(tuv.find("seg").itertext())
            for tuv in tu.iter("tuv")
            if tuv.find("seg") is not None
        }
        if not source and segs:
            source = next(iter(segs))
        for lang, seg in segs.items():
            if lang != source and source in segs:
                pairs.setdefault(lang, {})[segs[source]] = seg
    return source, pairs


# ----------------------------------------------------------------- pseudo-translation

_TAG = re.compile(r"<[^<>]*>")
_BLOCK = re.compile(r"(<p\b[^>]*>)(.*?)(</p\s*>)", re.DOTALL | re.IGNORECASE)
_NO_TRANSLATE = re.compile(r"""\btranslate\s*=\s*["']?no\b""", re.IGNORECASE)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_NT_ELEMENT = re.compile(
    r"""<(?P<name>[A-Za-z][A-Za-z0-9-]*)\b[^<>]*\btranslate\s*=\s*["']?no\b[^<>]*>"""
    r"""(?P<body>[^<]*)</(?P=name)\s*>""",
    re.IGNORECASE,
)


@dataclass
class Rules:
    """What a translation may use: terminology, parallel data, corruption on demand."""

    target: str
    terms: dict[str, str] = field(default_factory=dict)
    memory: dict[str, str] = field(default_factory=dict)
    corrupt: list[str] = field(default_factory=list)
    applied: dict[str, str] = field(default_factory=dict)

    def term_pattern(self) -> re.Pattern[str] | None:
        if not self.terms:
            return None
        terms = sorted(self.terms, key=len, reverse=True)
        alternation = "|".join(re.escape(html.escape(t, quote=False)) for t in terms)
        return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def translate_html(document: str, rules: Rules) -> str:
    """Translate each ``<p>`` block of a document, or the whole text if it has none."""
    if _BLOCK.search(document):
        return _BLOCK.sub(lambda m: m[1] + translate_block(m[2], rules) + m[3], document)
    return translate_block(document, rules)


def translate_plain(document: str, rules: Rules) -> str:
    """Translate ``text/plain``: one block per line, nothing is markup."""
    lines = document.split("\n")
    return "\n".join(
        html.unescape(translate_block(html.escape(line, quote=False), rules))
        if line.strip()
        else line
        for line in lines
    )


def translate_block(inner: str, rules: Rules) -> str:
    """Pseudo-translate one block of HTML; ``translate="no"`` elements are copied."""
    plain = html.unescape(_TAG.sub("", inner)).strip()
    if any(marker in plain for marker in rules.corrupt) and _NT_ELEMENT.search(inner):
        inner = _NT_ELEMENT.sub("", inner, count=1)  # an engine that drops a span
    if plain in rules.memory:
        return _from_memory(inner, rules.memory[plain])
    return _pseudo(inner, rules)


def _from_memory(inner: str, target: str) -> str:
    out = html.escape(target, quote=False)
    for element in _NT_ELEMENT.finditer(inner):
        body = element["body"]
        if body and body in out:
            out = out.replace(body, element[0], 1)
    return out


def _pseudo(inner: str, rules: Rules) -> str:
    pattern = rules.term_pattern()
    out: list[str] = []
    prefix_pending = True
    no_translate: list[str] = []  # open element names inside a translate="no" element
    for token in re.split(r"(<[^<>]*>)", inner):
        if not token:
            continue
        if token.startswith("<"):
            name_match = _TAG_NAME.match(token)
            name = name_match[1].lower() if name_match else ""
            closing = token.startswith("</")
            if no_translate:
                if closing and no_translate[-1] == name:
                    no_translate.pop()
                elif not closing and not token.endswith("/>"):
                    no_translate.append(name)
            elif not closing and _NO_TRANSLATE.search(token):
                if prefix_pending:
                    out.append(f"〔{rules.target}〕")
                    prefix_pending = False
                no_translate.append(name)
            out.append(token)
            continue
        if no_translate or pattern is None:
            text = token
        else:
            text = pattern.sub(lambda m: _apply_term(m[0], rules), token)
        if prefix_pending and not no_translate and token.strip():
            lead = len(text) - len(text.lstrip())
            text = f"{text[:lead]}〔{rules.target}〕{text[lead:]}"
            prefix_pending = False
        out.append(text)
    return "".join(out)


def _apply_term(found: str, rules: Rules) -> str:
    source = html.unescape(found)
    for term, target in rules.terms.items():
        if term.lower() == source.lower():
            rules.applied[term] = target
            return html.escape(target, quote=False)
    return found


# ------------------------------------------------------------------------- resources


def _now() -> float:
    return round(time.time(), 3)


@dataclass
class _Terminology:
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


@dataclass
class _Import:
    """One create or update attempt of a parallel data resource, still being imported."""

    config: dict[str, str]
    description: str
    source: str
    pairs: Pairs
    failure: str
    size: int
    gets_left: int
    at: float


@dataclass
class _ParallelData:
    name: str
    status: str
    created: float
    active: _Import | None = None
    pending: _Import | None = None
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
            "ImportedRecordCount": sum(len(p) for p in shown.pairs.values()) if self.active else 0,
            "FailedRecordCount": 0,
            "SkippedRecordCount": 0,
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


@dataclass
class _Job:
    job_id: str
    request: dict[str, Any]
    status: str
    submitted: float
    memory: dict[str, str]
    terms: dict[str, str]
    polls: int = 0
    end: float | None = None
    message: str = ""
    output_uri: str = ""
    details: dict[str, int] = field(default_factory=dict)
    fate: tuple[str, str, int] | None = None  # status, message, documents to fail

    def properties(self) -> dict[str, Any]:
        req = self.request
        props: dict[str, Any] = {
            "JobId": self.job_id,
            "JobStatus": self.status,
            "JobDetails": self.details,
            "SourceLanguageCode": req["SourceLanguageCode"],
            "TargetLanguageCodes": req["TargetLanguageCodes"],
            "TerminologyNames": req.get("TerminologyNames", []),
            "ParallelDataNames": req.get("ParallelDataNames", []),
            "SubmittedTime": self.submitted,
            "InputDataConfig": req["InputDataConfig"],
            "OutputDataConfig": {**req["OutputDataConfig"], "S3Uri": self.output_uri},
            "DataAccessRoleArn": req["DataAccessRoleArn"],
        }
        if "JobName" in req:
            props["JobName"] = req["JobName"]
        if self.message:
            props["Message"] = self.message
        if self.end is not None:
            props["EndTime"] = self.end
        return props


def split_s3_uri(uri: str) -> tuple[str, str]:
    match = re.fullmatch(r"s3://([^/]+)/?(.*)", uri)
    if not match:
        raise ServiceError("InvalidParameterValueException", f"not an S3 URI: {uri!r}")
    return match[1], match[2]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Tests assert on :attr:`TranslateEmulator.calls`, not on an access log."""


# -------------------------------------------------------------------------- emulator


class TranslateEmulator:
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
        self._server = make_server(
            "127.0.0.1", 0, self, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how fast stop() returns
            name="translate-emulator",
            daemon=True,
        )
        self._thread.start()
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
            self._terminologies: dict[str, _Terminology] = {}
            self._parallel_data: dict[str, _ParallelData] = {}
            self._jobs: dict[str, _Job] = {}
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

    def running_jobs(self) -> int:
        with self._lock:
            return sum(job.status in RUNNING for job in self._jobs.values())

    # ------------------------------------------------------------------------ WSGI

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        prefix, _, operation = request.headers.get("X-Amz-Target", "").partition(".")
        try:
            if request.method != "POST" or prefix != TARGET_PREFIX:
                raise ServiceError("UnknownOperationException", "not an Amazon Translate call")
            handler = self._handlers.get(operation)
            if handler is None:
                raise ServiceError("UnknownOperationException", f"{operation} is not emulated")
            try:
                params = json.loads(request.get_data() or b"{}")
            except ValueError as exc:
                raise ServiceError("SerializationException", str(exc)) from exc
            with self._lock:
                try:
                    self._throttled(operation)
                    body = handler(params)
                except ServiceError as exc:
                    self.calls.append(Call(operation, params, exc.code))
                    raise
                self.calls.append(Call(operation, params, response=body))
            response = Response(json.dumps(body), 200, content_type=JSON_CONTENT_TYPE)
        except ServiceError as exc:
            error = {"__type": exc.code, "Message": exc.message}
            response = Response(json.dumps(error), exc.status, content_type=JSON_CONTENT_TYPE)
        response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
        return response(environ, start_response)

    def _throttled(self, operation: str) -> None:
        pending = self._throttles.get(operation)
        if pending:
            code, status = pending.pop(0)
            raise ServiceError(code, "Rate exceeded (emulated)", status)

    # ------------------------------------------------------------------- real time

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

    def _terms(self, names: list[str], source: str, target: str) -> dict[str, str]:
        if len(names) > 1:
            raise ServiceError("InvalidRequestException", "only one terminology per request")
        if not names:
            return {}
        terminology = self._terminologies.get(names[0])
        if terminology is None:
            raise ServiceError(
                "ResourceNotFoundException", f"The resource {names[0]} could not be found."
            )
        if terminology.source != source:
            return {}
        return dict(terminology.pairs.get(target, {}))

    # ----------------------------------------------------------------- terminology

    def _import_terminology(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        data = params["TerminologyData"]
        raw = base64.b64decode(data["File"])
        source, pairs = parse_pairs(raw, data["Format"], what=f"terminology {name}")
        now = _now()
        old = self._terminologies.get(name)
        self._terminologies[name] = _Terminology(
            name=name,
            description=params.get("Description", ""),
            source=source,
            pairs=pairs,
            fmt=data["Format"],
            directionality=data.get("Directionality", "UNI"),
            size=len(raw),
            created=old.created if old else now,
            updated=now,
        )
        props = self._terminologies[name].properties(self.region, self.account_id)
        return {"TerminologyProperties": props}

    def _get_terminology(self, params: dict[str, Any]) -> dict[str, Any]:
        terminology = self._terminologies.get(params["Name"])
        if terminology is None:
            raise ServiceError(
                "ResourceNotFoundException", f"The resource {params['Name']} could not be found."
            )
        return {
            "TerminologyProperties": terminology.properties(self.region, self.account_id),
            "TerminologyDataLocation": {
                "RepositoryType": "S3",
                "Location": f"https://emulator.invalid/terminology/{terminology.name}",
            },
        }

    # --------------------------------------------------------------- parallel data

    def _load_import(self, params: dict[str, Any]) -> _Import:
        config = params["ParallelDataConfig"]
        fmt = config.get("Format", "")
        failure, source, pairs, size = "", "", {}, 0
        try:
            bucket, key = split_s3_uri(config["S3Uri"])
            raw = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            size = len(raw)
            source, pairs = parse_pairs(raw, fmt, what=f"parallel data {params['Name']}")
        except ServiceError as exc:
            failure = exc.message
        except Exception as exc:  # the real service reports import problems asynchronously
            failure = f"could not read {config.get('S3Uri')}: {exc}"
        return _Import(
            config=dict(config),
            description=params.get("Description", ""),
            source=source,
            pairs=pairs,
            failure=failure,
            size=size,
            gets_left=self.parallel_data_gets_until_active,
            at=_now(),
        )

    def _idempotent(self, operation: str, params: dict[str, Any]) -> Any:
        return self._tokens.get((operation, params.get("ClientToken", "")))

    def _create_parallel_data(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        replay = self._idempotent("CreateParallelData", params)
        if replay is not None:
            return replay
        if name in self._parallel_data:
            raise ServiceError("ConflictException", f"parallel data {name} already exists")
        attempt = self._load_import(params)
        self._parallel_data[name] = _ParallelData(
            name=name, status="CREATING", created=attempt.at, pending=attempt
        )
        body = {"Name": name, "Status": "CREATING"}
        self._tokens[("CreateParallelData", params["ClientToken"])] = body
        return body

    def _update_parallel_data(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["Name"]
        replay = self._idempotent("UpdateParallelData", params)
        if replay is not None:
            return replay
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
        body = {
            "Name": name,
            "Status": resource.status,
            "LatestUpdateAttemptStatus": "UPDATING",
            "LatestUpdateAttemptAt": resource.latest_at,
        }
        self._tokens[("UpdateParallelData", params["ClientToken"])] = body
        return body

    def _get_parallel_data(self, params: dict[str, Any]) -> dict[str, Any]:
        resource = self._parallel_data.get(params["Name"])
        if resource is None:
            raise ServiceError(
                "ResourceNotFoundException", f"The resource {params['Name']} could not be found."
            )
        self._advance_import(resource)
        location = {"RepositoryType": "S3", "Location": "https://emulator.invalid/parallel-data"}
        return {
            "ParallelDataProperties": resource.properties(self.region, self.account_id),
            "DataLocation": location,
        }

    def _advance_import(self, resource: _ParallelData) -> None:
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
        resource.active, resource.message = attempt, ""
        resource.status = "ACTIVE"
        if not creating:
            resource.latest_status = "ACTIVE"

    def parallel_data_pairs(self, name: str, target: str) -> dict[str, str]:
        """The pairs a job would use now (the last import that became ACTIVE)."""
        with self._lock:
            resource = self._parallel_data[name]
            return dict(resource.active.pairs.get(target, {})) if resource.active else {}

    # ------------------------------------------------------------------ batch jobs

    def _start_job(self, params: dict[str, Any]) -> dict[str, Any]:
        replay = self._idempotent("StartTextTranslationJob", params)
        if replay is not None:
            return replay
        if not re.fullmatch(
            r"arn:aws(-[^:]+)?:iam::[0-9]{12}:role/.+", params["DataAccessRoleArn"]
        ):
            raise ServiceError(
                "InvalidParameterValueException", "DataAccessRoleArn is not a role ARN"
            )
        content_type = params["InputDataConfig"]["ContentType"]
        if content_type not in ("text/html", "text/plain"):
            raise ServiceError("InvalidRequestException", f"unsupported ContentType {content_type}")
        source, targets = params["SourceLanguageCode"], params["TargetLanguageCodes"]
        terms = self._terms(params.get("TerminologyNames", []), source, targets[0])
        memory: dict[str, str] = {}
        for name in params.get("ParallelDataNames", []):
            resource = self._parallel_data.get(name)
            if resource is None:
                raise ServiceError("ResourceNotFoundException", f"parallel data {name} not found")
            if resource.active is None:
                raise ServiceError(
                    "InvalidRequestException", f"parallel data {name} is {resource.status}"
                )
            memory.update(resource.active.pairs.get(targets[0], {}))
        if self.running_jobs() >= self.max_concurrent_jobs:
            raise ServiceError(
                "LimitExceededException",
                f"You have reached the maximum of {self.max_concurrent_jobs} concurrent "
                "batch translation jobs.",
            )
        job_id = uuid.uuid4().hex
        job = _Job(
            job_id=job_id,
            request=params,
            status="SUBMITTED",
            submitted=_now(),
            memory=memory,
            terms=terms,
            output_uri=(
                f"{params['OutputDataConfig']['S3Uri'].rstrip('/')}/"
                f"{self.account_id}-TranslateText-{job_id}/"
            ),
            fate=self._fates.pop(0) if self._fates else None,
        )
        self._jobs[job_id] = job
        self.max_running_jobs_seen = max(self.max_running_jobs_seen, self.running_jobs())
        body = {"JobId": job_id, "JobStatus": "SUBMITTED"}
        self._tokens[("StartTextTranslationJob", params["ClientToken"])] = body
        return body

    def _describe_job(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self._jobs.get(params["JobId"])
        if job is None:
            raise ServiceError("ResourceNotFoundException", f"job {params['JobId']} not found")
        if job.status in RUNNING:
            job.polls += 1
            submitted, in_progress = self.job_polls
            if job.polls > submitted + in_progress and not self.hold:
                self._complete(job)
            elif job.polls > submitted:
                job.status = "IN_PROGRESS"
        return {"TextTranslationJobProperties": job.properties()}

    def _list_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("Filter", {})
        jobs = [
            job.properties()
            for job in self._jobs.values()
            if wanted.get("JobStatus") in (None, job.status)
            and wanted.get("JobName") in (None, job.request.get("JobName"))
        ]
        return {"TextTranslationJobPropertiesList": jobs}

    def _complete(self, job: _Job) -> None:
        """Translate the job's documents from S3 to S3, as the service does when it runs."""
        job.end = _now()
        status, message, failing = job.fate or ("COMPLETED", "", 0)
        keys = list(self._input_keys(job))
        job.details = {
            "InputDocumentsCount": len(keys),
            "TranslatedDocumentsCount": 0,
            "DocumentsWithErrorsCount": 0,
        }
        if status == "FAILED" or not keys:
            job.status = "FAILED"
            job.message = message or "No input documents found at the input S3 location"
            return
        failed = set(keys[len(keys) - failing :]) if status == "COMPLETED_WITH_ERROR" else set()
        written = [self._translate_document(job, key) for key in keys if key not in failed]
        self._write_details(job, written)
        job.details["TranslatedDocumentsCount"] = len(written)
        job.details["DocumentsWithErrorsCount"] = len(failed)
        job.status = "COMPLETED_WITH_ERROR" if failed else "COMPLETED"
        job.message = message if failed else ""

    def _input_keys(self, job: _Job) -> Iterator[str]:
        bucket, prefix = split_s3_uri(job.request["InputDataConfig"]["S3Uri"])
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):
                    yield item["Key"]

    def _translate_document(self, job: _Job, key: str) -> tuple[str, str]:
        request = job.request
        bucket, prefix = split_s3_uri(request["InputDataConfig"]["S3Uri"])
        document = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        target = request["TargetLanguageCodes"][0]
        rules = Rules(target, terms=job.terms, memory=job.memory, corrupt=self._corrupt)
        if request["InputDataConfig"]["ContentType"] == "text/html":
            translated = translate_html(document, rules)
        else:
            translated = translate_plain(document, rules)
        name = key[len(prefix) :].lstrip("/")
        out_bucket, out_prefix = split_s3_uri(job.output_uri)
        self._s3.put_object(
            Bucket=out_bucket,
            Key=f"{out_prefix}{target}.{name}",
            Body=translated.encode("utf-8"),
            ContentType=request["InputDataConfig"]["ContentType"],
        )
        return name, f"{target}.{name}"

    def _write_details(self, job: _Job, written: list[tuple[str, str]]) -> None:
        target = job.request["TargetLanguageCodes"][0]
        out_bucket, out_prefix = split_s3_uri(job.output_uri)
        details = {
            "sourceLanguageCode": job.request["SourceLanguageCode"],
            "targetLanguageCode": target,
            "documentCountWithCustomerError": str(
                job.details["InputDocumentsCount"] - len(written)
            ),
            "documentCountWithServerError": "0",
            "inputDataPrefix": job.request["InputDataConfig"]["S3Uri"],
            "outputDataPrefix": job.output_uri,
            "details": [{"sourceFile": s, "targetFile": t} for s, t in written],
        }
        self._s3.put_object(
            Bucket=out_bucket,
            Key=f"{out_prefix}details/{target}.auxiliary-translation-details.json",
            Body=json.dumps(details).encode("utf-8"),
        )
