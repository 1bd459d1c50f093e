"""Roster versions: immutable rosters with a lifecycle, kept in the warehouse's append-only tables.

A version's assignments are written once and never changed. Its state is the latest row of
`version_states`: draft -> approved -> published -> archived (a draft may also be archived unpublished).
An amendment is a new version whose parent is the amended one; publishing it archives the parent
("superseded by ..."). Publishing requires the blocking checks of the independent validator (no
hard violation, every cover minimum met) and applies the rule pack's notice policy
(`RulePack.changes`: below `publish_notice_days` it warns or refuses). `now` and `actor` are always
passed in, never read from the clock here. The CLI (`roster publish`, `roster versions`, `roster
diff`), Dagster and the web service call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from roster_pipeline.core.department_io import department_name
from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living import audit
from roster_pipeline.living.events import department_as_of_events, roster_cells
from roster_pipeline.validator import validate_roster

STATES = ("draft", "approved", "published", "archived")
NEXT_STATES = {
    "draft": ("approved", "archived"),
    "approved": ("published", "archived"),
    "published": ("archived",),
    "archived": (),
}
CAUSES = ("solve", "repair", "swap", "manual")


class VersionError(ValueError):
    """An unknown version, an illegal state change, or a publish the policy refuses."""


@dataclass(frozen=True)
class Version:
    """One roster version as recorded (its current state read from the state rows)."""

    version_id: str
    department: str
    parent_id: str | None
    horizon: Horizon
    state: str
    content_hash: str
    assignments: int


@dataclass(frozen=True)
class Provenance:
    """Where a version comes from: who made it and why, the rule pack, input hash and solver run."""

    actor: str
    cause: str
    rule_pack: str = ""
    rule_pack_version: str = ""
    input_hash: str = ""
    run_id: str = ""
    seed: int | None = None


@dataclass
class PublishOutcome:
    """The published version, or the reasons it was not published (hard violations, cover, notice)."""

    version: Version
    published: bool
    hard_violations: int
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def department_key(path: str | Path) -> str:
    """The name a department's versions are kept under: its folder's (or workbook's) name."""
    return department_name(path)


def roster_rows(roster: pd.DataFrame) -> pd.DataFrame:
    """(registrar_id, date, shift) rows, dates as dates, sorted: a version's canonical content."""
    rows = roster[["registrar_id", "date", "shift"]].copy()
    rows["registrar_id"] = rows["registrar_id"].astype(str)
    rows["shift"] = rows["shift"].astype(str)
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    return rows.sort_values(["date", "registrar_id", "shift"]).reset_index(drop=True)


def content_hash(rows: pd.DataFrame, horizon: Horizon, parent_id: str | None) -> str:
    """SHA-256 of the assignments, the horizon and the parent: equal content, same version."""
    text = f"{horizon.start.isoformat()}|{horizon.weeks}|{parent_id or ''}\n" + rows.to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _versions_frame(wh: Warehouse) -> pd.DataFrame:
    wh.append_only_ready()
    return wh.query(
        "SELECT v.*, s.state FROM roster_versions v JOIN ("
        "  SELECT version_id, state, row_number() OVER (PARTITION BY version_id ORDER BY recorded_at DESC,"
        "  CASE state WHEN 'archived' THEN 3 WHEN 'published' THEN 2 WHEN 'approved' THEN 1 ELSE 0 END DESC)"
        "  AS latest FROM version_states) s ON s.version_id = v.version_id AND s.latest = 1 "
        "ORDER BY v.version_id"
    )


def _version(row: pd.Series) -> Version:
    parent = row["parent_id"]
    return Version(
        version_id=str(row["version_id"]),
        department=str(row["department"]),
        parent_id=None if pd.isna(parent) or parent == "" else str(parent),
        horizon=Horizon(pd.Timestamp(row["horizon_start"]).date(), int(row["weeks"])),
        state=str(row["state"]),
        content_hash=str(row["content_hash"]),
        assignments=int(row["assignments"]),
    )


def versions(wh: Warehouse, department: str | None = None) -> list[Version]:
    """Every version (optionally of one department) with its current state, oldest first."""
    frame = _versions_frame(wh)
    if department is not None:
        frame = frame[frame["department"] == department]
    return [_version(row) for _, row in frame.iterrows()]


def get_version(wh: Warehouse, version_id: str) -> Version:
    found = [v for v in versions(wh) if v.version_id == version_id]
    if not found:
        raise VersionError(f"no roster version {version_id!r} in the warehouse")
    return found[0]


def assignments(wh: Warehouse, version_id: str) -> pd.DataFrame:
    """The version's (registrar_id, date, shift) rows."""
    get_version(wh, version_id)
    frame = wh.query(
        "SELECT registrar_id, date, shift FROM version_assignments WHERE version_id = ?", [version_id]
    )
    return roster_rows(frame)


def create_version(
    wh: Warehouse,
    department: str,
    roster: pd.DataFrame,
    horizon: Horizon,
    provenance: Provenance,
    now: dt.datetime,
    parent_id: str | None = None,
    reasons: Mapping[tuple[str, dt.date], tuple[str, str]] | None = None,
) -> Version:
    """Record a draft version of `roster` (idempotent: the same content from the same parent returns
    the version already recorded and writes nothing). An amendment (`parent_id`) also writes one
    audit row per changed assignment, with its (cause, reason) from `reasons` where given."""
    if provenance.cause not in CAUSES:
        raise VersionError(f"cause {provenance.cause!r} is not one of {', '.join(CAUSES)}")
    rows = roster_rows(roster)
    digest = content_hash(rows, horizon, parent_id)
    recorded = _versions_frame(wh)  # one read: the idempotence check and the next id
    known = recorded[(recorded["department"] == department) & (recorded["content_hash"] == digest)]
    if not known.empty:
        return _version(known.iloc[0])
    before = assignments(wh, parent_id) if parent_id else None
    version_id = f"V{len(recorded) + 1:04d}"
    record = {
        "version_id": version_id,
        "department": department,
        "parent_id": parent_id or "",
        "horizon_start": horizon.start,
        "weeks": horizon.weeks,
        "created_at": now,
        "created_by": provenance.actor,
        "cause": provenance.cause,
        "rule_pack": provenance.rule_pack,
        "rule_pack_version": provenance.rule_pack_version,
        "input_hash": provenance.input_hash,
        "run_id": provenance.run_id,
        "seed": provenance.seed,
        "content_hash": digest,
        "assignments": len(rows),
    }
    changes = diff_rows(before, rows) if before is not None else []
    for change in changes:
        cause, why = (reasons or {}).get((str(change["registrar_id"]), change["date"]), ("", ""))
        change.update(cause=cause, reason=why)
    entry = audit.Entry(now, provenance.actor, department, version_id, provenance.cause)
    wh.append(
        {
            "roster_versions": pd.DataFrame([record]),
            "version_assignments": rows.assign(version_id=version_id),
            "version_states": _state_rows(version_id, "draft", now, provenance.actor, provenance.cause),
            "audit_log": audit.rows(entry, provenance, changes, "created"),
        }
    )
    return get_version(wh, version_id)


def _state_rows(version_id: str, state: str, now: dt.datetime, actor: str, note: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"version_id": version_id, "state": state, "recorded_at": now, "actor": actor, "note": note}]
    )


def change_state(
    wh: Warehouse, version_id: str, state: str, actor: str, now: dt.datetime, note: str = ""
) -> Version:
    """Move a version to `state` if its lifecycle allows it (one state row and one audit row)."""
    version = get_version(wh, version_id)
    if state not in NEXT_STATES[version.state]:
        allowed = ", ".join(NEXT_STATES[version.state]) or "nothing (archived is final)"
        raise VersionError(f"{version_id} is {version.state}: it can become {allowed}, not {state}")
    entry = audit.Entry(now, actor, version.department, version_id, note or state)
    wh.append(
        {
            "version_states": _state_rows(version_id, state, now, actor, note),
            "audit_log": audit.rows(entry, Provenance(actor, "manual"), [], state),
        }
    )
    return get_version(wh, version_id)


def approve(wh: Warehouse, version_id: str, actor: str, now: dt.datetime) -> Version:
    return change_state(wh, version_id, "approved", actor, now)


def publish(
    wh: Warehouse,
    version_id: str,
    actor: str,
    now: dt.datetime,
    department: Department,
    pack: RulePack,
) -> PublishOutcome:
    """Publish an approved version if the validator finds no hard violation and every cover
    minimum met, within the pack's notice policy; its published parent is archived (superseded).
    The version is judged against the department as the events reported by `now` leave it (a
    registrar off sick is on leave those days: contract hours pro rata over the days left)."""
    version = get_version(wh, version_id)
    if version.state != "approved":
        raise VersionError(f"{version_id} is {version.state}: only an approved version can be published")
    rows = assignments(wh, version_id)
    before = assignments(wh, version.parent_id) if version.parent_id else rows
    judged = department_as_of_events(department, version.horizon, roster_cells(before), now)
    report = validate_roster(judged, pack, version.horizon, rows)
    hard = [v.message for v in report.violations if v.hard]
    cover = [
        v.message
        for v in report.violations
        if not v.hard and report.rule_types.get(v.rule_id, ("", False))[0] == "cover_limits"
    ]  # a soft cover rule still blocks publishing below the minimum
    problems = [f"hard violation: {m}" for m in hard] + [f"cover: {m}" for m in cover]
    warnings: list[str] = []
    notice = (version.horizon.start - now.date()).days
    policy = pack.changes
    if notice < policy.publish_notice_days:
        text = (
            f"published {notice} days before {version.horizon.start}; {pack.id} asks for at least "
            f"{policy.publish_notice_days} ({policy.source.split(';')[0].strip() or 'pack policy'})"
        )
        (problems if policy.short_notice_publish == "refuse" else warnings).append(text)
    if problems:
        return PublishOutcome(version, False, len(hard), problems, warnings)
    note = "; ".join(warnings)
    published = change_state(wh, version_id, "published", actor, now, note)
    parent = get_version(wh, version.parent_id) if version.parent_id else None
    if parent is not None and parent.state == "published":
        change_state(wh, parent.version_id, "archived", actor, now, f"superseded by {version_id}")
    return PublishOutcome(published, True, 0, [], warnings)


def diff_rows(before: pd.DataFrame | None, after: pd.DataFrame) -> list[dict[str, object]]:
    """Per (registrar, date) whose shift differs: the shift before and after ('' = off)."""
    old = {} if before is None else roster_cells(before)
    new = roster_cells(after)
    return [
        {"registrar_id": r, "date": d, "before": old.get((r, d), ""), "after": new.get((r, d), "")}
        for r, d in sorted(set(old) | set(new), key=lambda k: (k[1], k[0]))
        if old.get((r, d), "") != new.get((r, d), "")
    ]


def diff(wh: Warehouse, first: str, second: str) -> list[dict[str, object]]:
    """The assignments that differ between two versions (any two, not only parent and child)."""
    return diff_rows(assignments(wh, first), assignments(wh, second))
