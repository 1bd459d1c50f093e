"""The assistant's living-roster tools on the hand-made week (tests/factories.py): "what changes if
R2 is sick on Wednesday?" (the repair a sick call would get, public reasons, nothing recorded) and
"who changed my Wednesday and why?" (the audit log, a registrar's own roster only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.warehouse import DuckDBWarehouse
from roster_pipeline.explain.assistant.access import OWN_CHANGES_ONLY, Asker
from roster_pipeline.explain.assistant.living_tools import absence_repair
from roster_pipeline.explain.assistant.offline import ask_offline
from roster_pipeline.explain.facts import RosterContext, normalise_assignments
from roster_pipeline.living.amendments import record_repair
from roster_pipeline.living.events import Event
from roster_pipeline.living.repair import repair
from roster_pipeline.living.versions import Provenance, approve, create_version, publish

from factories import HORIZON_WEEK, MON, WEEK_PACK, WEEK_ROSTER, write_week

WED = dt.date(2027, 2, 3)


def context(tmp_path: Path) -> RosterContext:
    department = load_department(write_week(tmp_path / "week"))
    return RosterContext(department, WEEK_PACK, HORIZON_WEEK, normalise_assignments(WEEK_ROSTER), seed=0)


def test_a_hypothetical_sick_day_shows_the_repair(tmp_path: Path) -> None:
    result = absence_repair(context(tmp_path), "R2", WED, WED)
    assert result["event"] == "R2 unavailable 2027-02-03"
    assert result["changed_assignments"] == 2 and result["uncovered"] == [] and result["hard_violations"] == 0
    own = next(c for c in result["changes"] if c["registrar_id"] == "R2")
    assert (own["date"], own["before"], own["after"], own["reason"]) == (
        "2027-02-03",
        "D",
        "",
        "R2 unavailable on 2027-02-03",
    )
    cover = next(c for c in result["changes"] if c["registrar_id"] != "R2")
    assert cover["after"] == "D" and "has 0 registrars; the minimum is 1" in cover["reason"]
    assert all("sick" not in c["reason"] for c in result["changes"])


def test_two_days_away_take_two_covers(tmp_path: Path) -> None:
    # R3 away Fri and Sat: both D shifts go, and each needs someone else on it (four changes).
    result = absence_repair(context(tmp_path), "R3", dt.date(2027, 2, 5), dt.date(2027, 2, 6))
    moved = {(c["registrar_id"], c["date"], c["before"], c["after"]) for c in result["changes"]}
    assert {("R3", "2027-02-05", "D", ""), ("R3", "2027-02-06", "D", "")} <= moved
    assert len(moved) == 4 and result["hard_violations"] == 0


def test_offline_what_changes_if_sick(tmp_path: Path) -> None:
    answer = ask_offline("What changes if Dr Ben is sick on Wednesday?", context(tmp_path), today=MON)
    assert "**If R2 unavailable 2027-02-03**" in answer.text and "changes 2 assignment(s)" in answer.text
    assert (
        "- 2027-02-03 R2: D -> off (0 days' notice, short notice): R2 unavailable on 2027-02-03"
        in answer.text
    )
    assert answer.tool_calls[0]["name"] == "absence_repair"


def audited(tmp_path: Path) -> RosterContext:
    """The week published as V0001, then R2's Wednesday sick call recorded as V0002."""
    ctx = context(tmp_path)
    wh = DuckDBWarehouse(tmp_path / "wh.duckdb")
    when = dt.datetime(2026, 12, 1, 9)
    create_version(wh, "week", ctx.assignments, HORIZON_WEEK, Provenance("officer", "manual"), when)
    approve(wh, "V0001", "officer", when)
    assert publish(wh, "V0001", "officer", when, ctx.department, WEEK_PACK).published
    sick = Event("E1", "sick", "R2", WED, WED, dt.datetime(2027, 2, 3, 6), note="Gastroenteritis")
    outcome = repair(ctx.department, WEEK_PACK, HORIZON_WEEK, ctx.assignments, [sick])
    record_repair(
        wh, "V0001", outcome, WEEK_PACK, Provenance("officer", "repair"), dt.datetime(2027, 2, 3, 6, 5)
    )
    ctx.extra["warehouse"] = wh
    return ctx


def test_who_changed_my_wednesday(tmp_path: Path) -> None:
    ctx = audited(tmp_path)
    mine = ask_offline("Who changed my Wednesday and why?", ctx, today=MON, asker=Asker("R2"))
    assert mine.text.endswith(
        "- 2027-02-03: D -> off, recorded by officer in V0002 (E1): R2 unavailable on 2027-02-03"
    )
    assert "Gastro" not in mine.text and "sick" not in mine.text
    colleague = ask_offline("Who changed Dr Ben's roster on Wednesday?", ctx, today=MON, asker=Asker("R3"))
    assert OWN_CHANGES_ONLY in colleague.text and "V0002" not in colleague.text
    manager = ask_offline("Who changed Dr Ben's roster on Wednesday?", ctx, today=MON)
    assert "recorded by officer in V0002 (E1)" in manager.text


def test_no_audit_log_without_a_warehouse(tmp_path: Path) -> None:
    answer = ask_offline("Who changed my Wednesday?", context(tmp_path), today=MON, asker=Asker("R2"))
    assert "no audit log: ask with --warehouse" in answer.text
