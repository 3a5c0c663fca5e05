"""Check runs: made and updated by the App on a commit, listed per commit.

A conclusion completes the run (GitHub sets ``status`` to ``completed`` when one is
given); ``completed`` without a conclusion is GitHub's 422, as is a ``head_sha`` the
repository does not have.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .protocol import iso, not_found, now, validation_failed
from .repos import require_commit
from .shapes import Shapes
from .state import CheckRun, Repo, State
from .web import emulator, json_body, page, repo_access, respond

blueprint = Blueprint("checks", __name__)
STATUSES = ("queued", "in_progress", "completed", "waiting", "requested", "pending")
CONCLUSIONS = (
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
)


def apply(run: CheckRun, body: dict[str, Any]) -> None:
    """Change ``run`` as a create or update body asks, with GitHub's validation."""
    for key in ("name", "details_url", "external_id"):
        if key in body:
            setattr(run, key, body[key])
    if "output" in body:
        output = body["output"] or {}
        if "summary" not in output or "title" not in output:
            raise validation_failed("CheckRun", "output", "missing_field")
        run.output = {k: output.get(k) for k in ("title", "summary", "text")}
        run.output["annotations_count"] = len(output.get("annotations") or [])
    if "status" in body:
        if body["status"] not in STATUSES:
            raise validation_failed("CheckRun", "status", "invalid")
        run.status = body["status"]
    if body.get("conclusion") is not None:
        if body["conclusion"] not in CONCLUSIONS:
            raise validation_failed("CheckRun", "conclusion", "invalid")
        run.conclusion, run.status = body["conclusion"], "completed"
        run.completed_at = run.completed_at or now()
    if run.status == "completed" and run.conclusion is None:
        raise validation_failed("CheckRun", "conclusion", "missing_field")


def create_check_run(state: State, repo: Repo, body: dict[str, Any]) -> CheckRun:
    if not body.get("name"):
        raise validation_failed("CheckRun", "name", "missing_field")
    head_sha = require_commit(repo, str(body.get("head_sha", "")))
    run = CheckRun(
        id=state.next_id(),
        repo=repo.full_name,
        name=str(body["name"]),
        head_sha=head_sha,
        status="queued",
        conclusion=None,
        output={"title": None, "summary": None, "text": None, "annotations_count": 0},
    )
    apply(run, body)
    with state.lock:
        state.check_runs[run.id] = run
    return run


def check_run_json(shapes: Shapes, repo: Repo, run: CheckRun) -> dict[str, Any]:
    url = shapes.api(f"/repos/{repo.full_name}/check-runs/{run.id}")
    return {
        "id": run.id,
        "head_sha": run.head_sha,
        "node_id": f"CR_{run.id}",
        "external_id": run.external_id,
        "url": url,
        "html_url": f"{shapes.url}/{repo.full_name}/runs/{run.id}",
        "details_url": run.details_url,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": iso(run.started_at),
        "completed_at": iso(run.completed_at),
        "output": {**run.output, "annotations_url": f"{url}/annotations"},
        "name": run.name,
        "check_suite": {"id": run.id + 500_000},
        "app": shapes.app(),
        "pull_requests": [],
    }


@blueprint.post("/repos/<owner>/<name>/check-runs")
def create(owner: str, name: str) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    run = create_check_run(emu.state, repo, json_body())
    return respond(check_run_json(emu.shapes, repo, run), 201)


@blueprint.get("/repos/<owner>/<name>/check-runs/<int:run_id>")
def get(owner: str, name: str, run_id: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        return respond(check_run_json(emu.shapes, repo, _run_of(emu, repo, run_id)))


@blueprint.patch("/repos/<owner>/<name>/check-runs/<int:run_id>")
def update(owner: str, name: str, run_id: int) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    with emu.state.lock:
        run = _run_of(emu, repo, run_id)
        apply(run, json_body())
        return respond(check_run_json(emu.shapes, repo, run))


def _run_of(emu, repo, run_id: int):
    """The check run ``run_id`` of ``repo`` (GitHub's 404 for another repository's)."""
    run = emu.state.check_runs.get(run_id)
    if run is None or run.repo != repo.full_name:
        raise not_found()
    return run


@blueprint.get("/repos/<owner>/<name>/commits/<path:ref>/check-runs")
def list_for_ref(owner: str, name: str, ref: str) -> Response:
    repo = repo_access(owner, name)
    emu = emulator()
    sha = repo.git.resolve(ref)
    if sha is None:
        raise validation_failed("CheckRun", "ref", "invalid", f"No commit found for SHA: {ref}")
    wanted_name = request.args.get("check_name")
    wanted_status = request.args.get("status")
    with emu.state.lock:
        runs = [
            check_run_json(emu.shapes, repo, run)
            for run in sorted(emu.state.check_runs.values(), key=lambda r: -r.id)
            if run.repo == repo.full_name
            and run.head_sha == sha
            and wanted_name in (None, run.name)
            and wanted_status in (None, run.status)
        ]
    return page(runs, key="check_runs")
