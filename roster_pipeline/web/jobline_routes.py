"""Job lines over HTTP: POST /api/joblines takes a planning request (the JSON `roster joblines`
reads) and returns a job id at once; GET /api/joblines/{id} gives its status, then the lines, the
gap, the diagnosis and the digest. Solves run one at a time in a worker thread through
`joblines.request.run`, the CLI's and Dagster's use case; every step is a row of the append-only
`jobline_jobs` table, so any service process can answer for any job.

Over HTTP a request may not name files on the server: `catalogue` is "sample" or the name of a CSV
in ROSTER_JOBLINES_DIR, `affinity_profile` "default" or a file named there; the time limit is
capped at 10 minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.explain.jobline_digest import jobline_digest, load_catalogue
from roster_pipeline.joblines.request import RequestError, output_frames, run, summary
from roster_pipeline.web.auth import Manager, ManagerChange, config_of, now_of, warehouse_of
from roster_pipeline.web.pages import render
from roster_pipeline.web.views import records

router = APIRouter(tags=["joblines"])
MAX_SECONDS = 600.0
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_RUNNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="joblines")
_NUMBER = threading.Lock()


def _resolve(request: dict[str, Any], folder: Path | None) -> dict[str, Any]:
    """The request with named catalogue/profile files resolved inside `folder` (HTTPException 422)."""
    out = dict(request)
    for key, builtin, suffixes in (
        ("catalogue", "sample", (".csv",)),
        ("affinity_profile", "default", (".json", ".csv")),
    ):
        value = out.get(key, builtin)
        if value == builtin:
            continue
        if not isinstance(value, str) or not NAME.match(value) or folder is None:
            raise HTTPException(422, f"{key}: {builtin!r} or the name of a file in ROSTER_JOBLINES_DIR")
        found = [
            folder / f"{value}{suffix}" for suffix in suffixes if (folder / f"{value}{suffix}").is_file()
        ]
        if not found:
            raise HTTPException(422, f"{key}: no file {value!r} in ROSTER_JOBLINES_DIR")
        out[key] = str(found[0])
    limit = out.get("time_limit", MAX_SECONDS)
    if isinstance(limit, int | float) and limit > MAX_SECONDS:
        raise HTTPException(422, f"time_limit: at most {MAX_SECONDS:.0f} seconds over HTTP")
    out["progress"] = False
    return out


def _append(
    wh: Warehouse, job_id: str, actor: str, status: str, now: dt.datetime, request: str, result: str
) -> None:
    row = {
        "recorded_at": now,
        "job_id": job_id,
        "actor": actor,
        "status": status,
        "request": request,
        "result": result,
    }
    wh.append({"jobline_jobs": pd.DataFrame([row])})


def _solve(wh: Warehouse, job_id: str, actor: str, request: dict[str, Any], clock, claude) -> None:  # noqa: ANN001
    text = json.dumps(request)
    _append(wh, job_id, actor, "running", clock(), text, "")
    try:
        outcome = run(request)
        info = summary(outcome)
        frames = output_frames(outcome)
        year = str(request.get("clinical_year", "request"))
        catalogue = load_catalogue(str(request.get("catalogue", "sample")))
        digests = jobline_digest(
            year, frames["lines"], frames["compliance"], info["metrics"], catalogue, claude()
        )
        result = {
            "solve_status": info["status"],
            **{k: info[k] for k in ("lines", "gap", "objective", "bound", "seconds", "violations")},
            "diagnosis": info["diagnosis"],
            "dropped": info["dropped"],
            "metrics": info["metrics"],
            "reproduce": {k: info[k] for k in ("seed", "workers", "time_limit", "deterministic")},
            "line_rows": records(frames["lines"]),
            "digest": digests[0].markdown if digests else "",
            "digest_source": digests[0].source if digests else "",
        }
        _append(wh, job_id, actor, "done", clock(), text, json.dumps(result, default=str))
    except RequestError as error:
        _append(wh, job_id, actor, "failed", clock(), text, json.dumps({"error": str(error)}))
    except Exception as error:  # noqa: BLE001 - recorded for the asker; the service keeps running
        traceback.print_exc()
        _append(
            wh,
            job_id,
            actor,
            "failed",
            clock(),
            text,
            json.dumps({"error": f"{type(error).__name__}: {error}"}),
        )


def _jobs(wh: Warehouse, job_id: str | None = None) -> pd.DataFrame:
    wh.append_only_ready()
    if job_id is None:
        return wh.query("SELECT * FROM jobline_jobs ORDER BY recorded_at")
    return wh.query("SELECT * FROM jobline_jobs WHERE job_id = ? ORDER BY recorded_at", [job_id])


@router.post("/api/joblines", tags=["api"], status_code=202)
def post_joblines(
    request: Request,
    session: ManagerChange,
    body: dict[str, Any] = Body(..., description="a planning request"),  # noqa: B008
) -> dict[str, Any]:
    """Queue a job-line planning request (managers); returns its job id."""
    if not session.user.is_manager:
        raise HTTPException(403, "managers and administrators only")
    config = config_of(request)
    folder = Path(config.joblines_dir) if config.joblines_dir else None
    resolved = _resolve(body, folder)
    wh = warehouse_of(request)
    with _NUMBER:
        job_id = f"J{len(set(_jobs(wh)['job_id'])) + 1:04d}"
        _append(wh, job_id, session.username, "queued", now_of(request), json.dumps(resolved), "")
    _RUNNER.submit(_solve, wh, job_id, session.username, resolved, config.clock, config.claude)
    return {"job_id": job_id, "status": "queued"}


@router.get("/api/joblines/{job_id}", tags=["api"])
def get_joblines(request: Request, session: Manager, job_id: str) -> dict[str, Any]:
    """A job's status; when done its lines, gap, diagnosis and digest (or the error)."""
    rows = _jobs(warehouse_of(request), job_id)
    if rows.empty:
        raise HTTPException(404, f"no job-line job {job_id!r}")
    last = rows.iloc[-1]
    out: dict[str, Any] = {
        "job_id": job_id,
        "status": str(last["status"]),
        "requested_by": str(rows.iloc[0]["actor"]),
    }
    if last["result"]:
        out.update(json.loads(str(last["result"])))
    return out


def _grid(line_rows: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Lines as rows (line, PGY, FTE, then each term's rotation)."""
    terms = sorted({row["term"] for row in line_rows}, key=str)
    lines: dict[str, dict[str, Any]] = {}
    for row in line_rows:
        line = lines.setdefault(
            row["line_id"], {"line_id": row["line_id"], "pgy": row["pgy"], "fte": row["fte"]}
        )
        line[str(row["term"])] = row["rotation_id"] + (
            f" ({row['leave_weeks']} wk leave)" if row.get("leave_weeks") else ""
        )
    return [str(t) for t in terms], list(lines.values())


@router.get("/manager/joblines", include_in_schema=False)
def joblines_page(request: Request, session: Manager) -> Response:
    rows = _jobs(warehouse_of(request))
    latest = rows.groupby("job_id", sort=False).tail(1) if len(rows) else rows
    jobs = []
    for row in latest.to_dict("records")[::-1]:
        result = json.loads(row["result"]) if row["result"] else {}
        jobs.append({"job_id": row["job_id"], "status": row["status"], "by": row["actor"], **result})
    return render(request, "joblines.html", session, jobs=jobs)


@router.post("/manager/joblines", include_in_schema=False)
async def joblines_form(request: Request, session: ManagerChange) -> Response:
    form = await request.form()
    try:
        body = {
            "pgy1": int(str(form.get("pgy1", "0"))),
            "pgy2": int(str(form.get("pgy2", "0"))),
            "terms": str(form.get("terms", "5-term")),
            "catalogue": str(form.get("catalogue", "sample")) or "sample",
            "time_limit": float(str(form.get("time_limit", "60"))),
            "seed": int(str(form.get("seed", "0"))),
            "deterministic": True,
        }
    except ValueError:
        raise HTTPException(
            422, "whole numbers for the cohort and seed, seconds for the time limit"
        ) from None
    queued = post_joblines(request, session, body)
    return RedirectResponse(f"/manager/joblines/{queued['job_id']}", status_code=303)


@router.get("/manager/joblines/{job_id}", include_in_schema=False)
def jobline_page(request: Request, session: Manager, job_id: str) -> Response:
    found = get_joblines(request, session, job_id)
    terms, lines = _grid(found.get("line_rows", []))
    return render(request, "jobline.html", session, job=found, terms=terms, lines=lines)
