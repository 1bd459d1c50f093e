"""Roster versions and the audit log for managers: list, diff against the parent with the notices an
amendment sends, approve and publish (through `living.versions`, with its publish checks), and the
append-only audit log. JSON under /api, pages under /manager."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from roster_pipeline.core.export import roster_frame
from roster_pipeline.core.roster_workbook import write_roster_xlsx
from roster_pipeline.core.rules import load_pack
from roster_pipeline.living.audit import audit_log
from roster_pipeline.living.mail import send_notices
from roster_pipeline.living.versions import (
    Version,
    VersionError,
    approve,
    assignments,
    diff,
    get_version,
    publish,
    versions,
)
from roster_pipeline.web.auth import (
    Manager,
    ManagerChange,
    Session,
    config_of,
    now_of,
    warehouse_of,
)
from roster_pipeline.web.pages import render, told
from roster_pipeline.web.views import department_for, departments, records

router = APIRouter(tags=["versions"])


def _summary(version: Version) -> dict[str, Any]:
    return {
        "version_id": version.version_id,
        "department": version.department,
        "parent_id": version.parent_id,
        "state": version.state,
        "horizon_start": version.horizon.start.isoformat(),
        "weeks": version.horizon.weeks,
        "assignments": version.assignments,
    }


def _managed_version(request: Request, session: Session, version_id: str) -> Version:
    try:
        version = get_version(warehouse_of(request), version_id)
    except VersionError as error:
        raise HTTPException(404, str(error)) from None
    if not session.user.may_manage(version.department):
        raise HTTPException(403, f"you do not manage {version.department}")
    return version


def version_changes(request: Request, version: Version) -> dict[str, Any]:
    """The version's cells that differ from its parent (names shown), and the notices it sends."""
    wh = warehouse_of(request)
    names = {r.registrar_id: r.name for r in departments(request).get(version.department).registrars.values()}
    changes = diff(wh, version.parent_id, version.version_id) if version.parent_id else []
    told = wh.query(
        "SELECT registrar_id, date, shift_before, shift_after, notice_days, short_notice, reason "
        "FROM notices WHERE version_id = ? ORDER BY date, registrar_id",
        [version.version_id],
    )
    told["date"] = pd.to_datetime(told["date"]).dt.date
    told.insert(1, "name", [names.get(r, r) for r in told["registrar_id"]])
    return {
        "version": _summary(version),
        "changes": [
            {**c, "name": names.get(c["registrar_id"], c["registrar_id"])}
            for c in records(pd.DataFrame(changes))
        ],
        "notices": records(told),
    }


def publish_version(request: Request, session: Session, version_id: str) -> dict[str, Any]:
    """Approve (if a draft) and publish, or the reasons it may not be published."""
    version = _managed_version(request, session, version_id)
    wh, now, actor = warehouse_of(request), now_of(request), session.username
    dept = departments(request).get(version.department)
    try:
        if version.state == "draft":
            approve(wh, version_id, actor, now)
        outcome = publish(wh, version_id, actor, now, dept, load_pack(config_of(request).rule_pack))
    except VersionError as error:
        raise HTTPException(409, str(error)) from None
    emailed = send_notices(wh, version_id, dept, config_of(request).smtp, now) if outcome.published else {}
    return {
        **_summary(outcome.version),
        "published": outcome.published,
        "emailed": emailed,
        "hard_violations": outcome.hard_violations,
        "problems": outcome.problems,
        "warnings": outcome.warnings,
    }


@router.get("/api/versions", tags=["api"])
def list_versions(
    request: Request, session: Manager, department: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    """The department's roster versions with their states (managers)."""
    key = department_for(request, session.user, department)
    return {"department": key, "versions": [_summary(v) for v in versions(warehouse_of(request), key)]}


@router.get("/api/versions/{version_id}", tags=["api"])
def get_version_changes(request: Request, session: Manager, version_id: str) -> dict[str, Any]:
    """A version, its changes from its parent and the notices it sends (managers)."""
    return version_changes(request, _managed_version(request, session, version_id))


@router.post("/api/versions/{version_id}/publish", tags=["api"])
def post_publish(request: Request, session: ManagerChange, version_id: str) -> Response:
    """Approve (if a draft) and publish the version: 200 when published, 409 with the problems
    (hard violations, cover below minimum, too little notice) when it may not be."""
    result = publish_version(request, session, version_id)
    return JSONResponse(result, status_code=200 if result["published"] else 409)


@router.get("/api/audit", tags=["api"])
def get_audit(
    request: Request,
    session: Manager,
    department: Annotated[str | None, Query()] = None,
    registrar: Annotated[str | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """The department's audit log, newest first (managers)."""
    key = department_for(request, session.user, department)
    rows = audit_log(warehouse_of(request), registrar_id=registrar)
    rows = rows[rows["department"] == key].iloc[::-1].head(limit)
    return {"department": key, "entries": records(rows)}


@router.get("/manager/versions", include_in_schema=False)
def versions_page(request: Request, session: Manager, message: str | None = None) -> Response:
    key = department_for(request, session.user, None)
    found = [_summary(v) for v in reversed(versions(warehouse_of(request), key))]
    return render(request, "versions.html", session, department=key, versions=found, message=message)


@router.get("/manager/versions/{version_id}", include_in_schema=False)
def version_page(request: Request, session: Manager, version_id: str) -> Response:
    found = version_changes(request, _managed_version(request, session, version_id))
    return render(request, "version.html", session, **found)


@router.post("/manager/versions/{version_id}/publish", include_in_schema=False)
def publish_page(request: Request, session: ManagerChange, version_id: str) -> Response:
    try:
        result = publish_version(request, session, version_id)
    except HTTPException as error:
        if error.status_code != 409:
            raise
        return versions_page(request, session, message=str(error.detail))
    if not result["published"]:
        return versions_page(
            request, session, message=f"{version_id} not published: " + "; ".join(result["problems"])
        )
    return told("/manager/versions", f"{version_id} published")


@router.get("/manager/audit", include_in_schema=False)
def audit_page(request: Request, session: Manager) -> Response:
    key = department_for(request, session.user, None)
    rows = audit_log(warehouse_of(request))
    rows = rows[rows["department"] == key].iloc[::-1].head(300)
    return render(request, "audit.html", session, department=key, entries=records(rows))


@router.get("/manager/versions/{version_id}/roster.xlsx", include_in_schema=False)
def export_xlsx(request: Request, session: Manager, version_id: str) -> Response:
    """The version as the manager's workbook (the registrar x day grid, cover and legend sheets that
    `roster solve --xlsx` writes)."""
    version = _managed_version(request, session, version_id)
    dept = departments(request).get(version.department)
    frame = roster_frame(dept, assignments(warehouse_of(request), version_id))
    with tempfile.TemporaryDirectory() as folder:
        path = write_roster_xlsx(dept, version.horizon, frame, Path(folder) / "roster.xlsx")
        body = path.read_bytes()
    name = f"{version.department}-{version_id}-{version.horizon.start.isoformat()}.xlsx"
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
