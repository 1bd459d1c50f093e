"""The audit log: who changed what, when and why, in the warehouse's append-only `audit_log`.

Rows are only inserted (`Warehouse.append`); the warehouse refuses to replace or rebuild the table.
Each row names the actor, the action (created, approved, published, archived), the version, and for a
changed assignment the registrar, date, shift before and after; the cause (an event id, a swap, a
manual edit, a solve), the reason in words a colleague may read (an absence is "unavailable", never
its type or note), the rule-pack version and the solver run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import pandas as pd

from roster_pipeline.core.warehouse import APPEND_ONLY, Warehouse

COLUMNS = [name for name, _ in APPEND_ONLY["audit_log"]]


class Entry(NamedTuple):
    """What every audit row of one action shares."""

    recorded_at: dt.datetime
    actor: str
    department: str
    version_id: str
    cause: str


def rows(entry: Entry, provenance: Any, changes: list[dict[str, Any]], action: str) -> pd.DataFrame:
    """One row per changed assignment, or one row for the action when nothing changed per cell."""
    base = {
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
        "action": action,
        "department": entry.department,
        "version_id": entry.version_id,
        "cause": entry.cause,
        "rule_pack_version": provenance.rule_pack_version,
        "run_id": provenance.run_id,
    }
    cells = [
        {**base, "registrar_id": c["registrar_id"], "date": c["date"], "shift_before": c["before"],
         "shift_after": c["after"], "cause": c.get("cause") or entry.cause, "reason": c.get("reason", "")}
        for c in changes
    ]  # fmt: skip
    if not cells:
        blank = dict.fromkeys(("registrar_id", "date", "shift_before", "shift_after"))
        cells = [{**base, **blank, "reason": ""}]
    return pd.DataFrame(cells, columns=COLUMNS)


def record(wh: Warehouse, **fields: Any) -> None:
    """Append one audit row for an action that changes no assignment (a request decided, a rule
    edited); the columns not given stay blank."""
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"audit_log has no column {', '.join(sorted(unknown))}")
    wh.append({"audit_log": pd.DataFrame([{**dict.fromkeys(COLUMNS), **fields}], columns=COLUMNS)})


def audit_log(
    wh: Warehouse,
    registrar_id: str | None = None,
    version_id: str | None = None,
    between: tuple[dt.date, dt.date] | None = None,
) -> pd.DataFrame:
    """Audit rows, oldest first, optionally of one registrar, one version, or assignment dates."""
    wh.append_only_ready()
    clauses, params = [], []
    if registrar_id is not None:
        clauses.append("registrar_id = ?")
        params.append(registrar_id)
    if version_id is not None:
        clauses.append("version_id = ?")
        params.append(version_id)
    if between is not None:
        clauses.append("date BETWEEN ? AND ?")
        params.extend(between)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return wh.query(f"SELECT * FROM audit_log {where} ORDER BY recorded_at, version_id, date", params)
