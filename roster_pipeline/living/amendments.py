"""Recording a repair as an amended draft version (or an approved swap as an amended approved one):
the version (its parent the published roster), an audit row per changed cell with its cause and
public reason, and each changed registrar's notice.
The CLI (`roster repair V0003 ...`), the Dagster repair job and the web service call `record_repair`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from roster_pipeline.core.domain import Department
from roster_pipeline.core.rules import RulePack
from roster_pipeline.core.warehouse import Warehouse
from roster_pipeline.living.events import Event
from roster_pipeline.living.notices import Notice, notice_rows, notices
from roster_pipeline.living.repair import CellChange, RepairOutcome, RepairSettings, repair
from roster_pipeline.living.versions import (
    Provenance,
    Version,
    VersionError,
    approve,
    assignments,
    create_version,
    diff_rows,
    get_version,
    versions,
)


def record_repair(
    wh: Warehouse,
    parent_id: str,
    outcome: RepairOutcome,
    pack: RulePack,
    provenance: Provenance,
    now: dt.datetime,
) -> tuple[Version | None, list[Notice]]:
    """The amended draft of published version `parent_id` and its notices (None and no notice when
    the repair changed nothing). Re-recording the same repair writes nothing new."""
    parent = _published(wh, parent_id, "a repair amends")
    notes = notices(outcome.changes, pack)
    if not outcome.changes:
        return None, notes
    reasons = {(c.registrar_id, c.date): (c.cause, c.reason) for c in outcome.changes}
    version = create_version(
        wh, parent.department, outcome.roster, parent.horizon, provenance, now, parent_id, reasons
    )
    _tell(wh, version, notes, now)
    return version, notes


def _tell(wh: Warehouse, version: Version, notes: list[Notice], now: dt.datetime) -> None:
    """Append the version's notices once (a re-run finds them recorded and writes nothing)."""
    told = wh.query("SELECT count(*) AS n FROM notices WHERE version_id = ?", [version.version_id])
    if int(told["n"].iloc[0]) == 0:
        wh.append({"notices": notice_rows(notes, version.department, version.version_id, now)})


def _published(wh: Warehouse, version_id: str, what: str) -> Version:
    parent = get_version(wh, version_id)
    if parent.state != "published":
        raise VersionError(f"{version_id} is {parent.state}: {what} a published version")
    return parent


def record_swap(
    wh: Warehouse,
    parent_id: str,
    swapped: pd.DataFrame,
    swap: str,
    pack: RulePack,
    provenance: Provenance,
    now: dt.datetime,
) -> tuple[Version, list[Notice]]:
    """An approved swap of published version `parent_id` as an amended version, approved at once (the
    pack's policy approved the swap), with an audit row and a notice per changed cell; `swap` is its
    description ("R001 gives N-NTH on 2027-02-10 to R014, takes D-NTH on 2027-02-12")."""
    parent = _published(wh, parent_id, "swaps apply to")
    changes = diff_rows(assignments(wh, parent_id), swapped)
    reason = f"swap: {swap}"
    cells = [
        CellChange(
            str(c["registrar_id"]),
            c["date"],
            str(c["before"]),
            str(c["after"]),
            (c["date"] - now.date()).days,
            (c["date"] - now.date()).days < pack.changes.change_notice_days,
            "swap",
            reason,
            reason,
        )  # fmt: skip
        for c in changes
    ]
    reasons = {(c.registrar_id, c.date): ("swap", reason) for c in cells}
    version = create_version(
        wh, parent.department, swapped, parent.horizon, provenance, now, parent_id, reasons
    )
    if version.state == "draft":
        version = approve(wh, version.version_id, provenance.actor, now)
    notes = notices(cells, pack)
    _tell(wh, version, notes, now)
    return version, notes


@dataclass
class RepairRecord:
    """One published version repaired: its amended draft (None: nothing changed) and the outcome."""

    parent: Version
    version: Version | None
    outcome: RepairOutcome
    notices: list[Notice]

    def summary(self) -> dict[str, object]:
        summary = self.outcome.summary()
        return {
            "parent": self.parent.version_id,
            "version": self.version.version_id if self.version else None,
            "notices": len(self.notices),
            **{k: summary[k] for k in ("status", "changed_assignments", "uncovered", "hard_violations")},
        }


def published(wh: Warehouse, department: str) -> list[Version]:
    """The department's published versions, oldest first."""
    return [v for v in versions(wh, department) if v.state == "published"]


def repair_published(
    wh: Warehouse,
    key: str,
    department: Department,
    pack: RulePack,
    events: list[Event],
    provenance: Provenance,
    now: dt.datetime,
    settings: RepairSettings | None = None,
) -> list[RepairRecord]:
    """Repair every published version of department `key` whose dates some event touches, with the
    events on its dates, and record each amendment (the Dagster repair job and the web service)."""
    records = []
    for parent in published(wh, key):
        horizon = parent.horizon
        mine = [e for e in events if e.end >= horizon.start and e.start <= horizon.end]
        if not mine:
            continue
        roster = assignments(wh, parent.version_id)
        outcome = repair(department, pack, horizon, roster, mine, settings or RepairSettings())
        version, notes = record_repair(wh, parent.version_id, outcome, pack, provenance, now)
        records.append(RepairRecord(parent, version, outcome, notes))
    return records
