"""Recording a repair as an amended draft version: the version (its parent the published roster),
an audit row per changed cell with its cause and public reason, and each changed registrar's notice.
The CLI (`roster repair V0003 ...`), the Dagster repair job and the web service call `record_repair`."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.rules import RulePack
from roster_pipeline.core.warehouse import DuckDBWarehouse
from roster_pipeline.living.notices import Notice, notice_rows, notices
from roster_pipeline.living.repair import RepairOutcome
from roster_pipeline.living.versions import Provenance, Version, VersionError, create_version, get_version


def record_repair(
    wh: DuckDBWarehouse,
    parent_id: str,
    outcome: RepairOutcome,
    pack: RulePack,
    provenance: Provenance,
    now: dt.datetime,
) -> tuple[Version | None, list[Notice]]:
    """The amended draft of published version `parent_id` and its notices (None and no notice when
    the repair changed nothing). Re-recording the same repair writes nothing new."""
    parent = get_version(wh, parent_id)
    if parent.state != "published":
        raise VersionError(f"{parent_id} is {parent.state}: a repair amends a published version")
    notes = notices(outcome.changes, pack)
    if not outcome.changes:
        return None, notes
    reasons = {(c.registrar_id, c.date): (c.cause, c.reason) for c in outcome.changes}
    version = create_version(
        wh, parent.department, outcome.roster, parent.horizon, provenance, now, parent_id, reasons
    )
    told = wh.query("SELECT count(*) AS n FROM notices WHERE version_id = ?", [version.version_id])
    if int(told["n"].iloc[0]) == 0:
        wh.append({"notices": notice_rows(notes, parent.department, version.version_id, now)})
    return version, notes
