"""Git's smart HTTP protocol, answered by ``git http-backend`` run as a CGI program.

The clients are the real ``git clone``/``fetch``/``push``, so everything the protocol
involves (v2 fetch, side-band, report-status, gzip bodies) is git's own code on both
ends. What the emulator adds is around it: Basic auth with an installation token (in
:mod:`.emulator`), and a record of every ref update a push asks for: the pkt-lines
at the start of a ``git-receive-pack`` request (``<old> <new> <ref>``), classified
against the ref's value on the server as a create, delete, fast-forward or
non-fast-forward, and whether git accepted it. Each repository has
``receive.denyNonFastForwards``, so git itself refuses a forced update; the record
shows that one was attempted.
"""

from __future__ import annotations

import gzip
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .gitrepo import ZERO_SHA, BareRepo, git_env

GIT_PATH = re.compile(
    r"^/(?P<owner>[^/]+)/(?P<name>[^/]+?)(?:\.git)?"
    r"/(?P<service>info/refs|git-upload-pack|git-receive-pack)$"
)
CREATE, DELETE, FAST_FORWARD, NON_FAST_FORWARD = (
    "create",
    "delete",
    "fast-forward",
    "non-fast-forward",
)
BACKEND_TIMEOUT = 300


@dataclass(frozen=True)
class RefUpdate:
    """One ref update a push asked for, and what became of it.

    ``old``/``new`` are what the client sent; ``before``/``after`` the ref on the
    server around the push (None: absent). ``kind`` compares ``before`` with ``new``.
    """

    repo: str
    ref: str
    old: str
    new: str
    before: str | None
    after: str | None
    kind: str
    accepted: bool

    @property
    def forced(self) -> bool:
        """True for an update that would drop commits: what a force-push asks for."""
        return self.kind == NON_FAST_FORWARD


def parse_commands(body: bytes, content_encoding: str = "") -> list[tuple[str, str, str]]:
    """``(old, new, ref)`` of each command pkt-line at the start of a receive-pack request."""
    if content_encoding.lower() in ("gzip", "x-gzip"):
        body = gzip.decompress(body)
    commands = []
    pos = 0
    while pos + 4 <= len(body):
        size = int(body[pos : pos + 4], 16)
        if size == 0:  # flush-pkt: the pack (or push options) follows
            break
        line = body[pos + 4 : pos + size].split(b"\0", 1)[0].rstrip(b"\n").decode()
        pos += size
        parts = line.split(" ")
        if len(parts) == 3 and all(len(p) >= 40 for p in parts[:2]):
            commands.append((parts[0], parts[1], parts[2]))
    return commands


def classify(repo: BareRepo, before: str | None, new: str) -> str:
    if new == ZERO_SHA:
        return DELETE
    if before is None:
        return CREATE
    return FAST_FORWARD if repo.is_ancestor(before, new) else NON_FAST_FORWARD


@dataclass(frozen=True)
class CgiAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def serve(
    repo: BareRepo,
    full_name: str,
    project_root: Path,
    environ: Mapping[str, str],
    body: bytes,
    match: re.Match[str],
    remote_user: str,
) -> tuple[CgiAnswer, list[RefUpdate]]:
    """Answer one git request for ``repo``, and the ref updates it asked for if a push."""
    path_info = f"/{full_name}.git/{match['service']}"
    if match["service"] != "git-receive-pack":
        return run_backend(project_root, path_info, environ, body, remote_user), []
    with repo.lock:
        commands = parse_commands(body, environ.get("HTTP_CONTENT_ENCODING", ""))
        before = {ref: repo.ref(ref) for _, _, ref in commands}
        answer = run_backend(project_root, path_info, environ, body, remote_user)
        updates = []
        for old, new, ref in commands:
            after = repo.ref(ref)
            updates.append(
                RefUpdate(
                    repo=full_name,
                    ref=ref,
                    old=old,
                    new=new,
                    before=before[ref],
                    after=after,
                    kind=classify(repo, before[ref], new),
                    accepted=after == (None if new == ZERO_SHA else new),
                )
            )
    return answer, updates


def run_backend(
    project_root: Path,
    path_info: str,
    environ: Mapping[str, str],
    body: bytes,
    remote_user: str,
) -> CgiAnswer:
    """Run ``git http-backend`` for one request and parse its CGI answer."""
    cgi = {
        "GIT_PROJECT_ROOT": str(project_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": path_info,
        "REQUEST_METHOD": environ.get("REQUEST_METHOD", "GET"),
        "QUERY_STRING": environ.get("QUERY_STRING", ""),
        "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": remote_user,
        "REMOTE_ADDR": environ.get("REMOTE_ADDR", "127.0.0.1"),
        "SERVER_PROTOCOL": environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        "GATEWAY_INTERFACE": "CGI/1.1",
    }
    for header in ("HTTP_CONTENT_ENCODING", "HTTP_GIT_PROTOCOL", "HTTP_ACCEPT"):
        if environ.get(header):
            cgi[header] = environ[header]
    done = subprocess.run(
        ["git", "http-backend"],
        input=body,
        env=git_env(cgi),
        capture_output=True,
        timeout=BACKEND_TIMEOUT,
        check=False,
    )
    return parse_cgi(done.stdout, done.returncode, done.stderr)


def parse_cgi(output: bytes, returncode: int = 0, stderr: bytes = b"") -> CgiAnswer:
    """Split a CGI program's output into status, headers and body."""
    head, sep, body = output.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = output.partition(b"\n\n")
    if not sep:
        message = stderr.decode("utf-8", "replace") or f"http-backend exited {returncode}"
        return CgiAnswer(500, [("Content-Type", "text/plain")], message.encode())
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name:
            headers.append((name.strip(), value.strip()))
    return CgiAnswer(status, headers, body)
