"""Explain an assignment: the facts around it, and a counterfactual re-solve without it.

The counterfactual forbids the registrar working that day (an approved leave day added to a copy
of the department: a hard rule the solver already has) and re-solves. The answer reports the change
in cost per rule and, when no roster exists without it, the solver's infeasibility diagnosis, which
names the binding rules and inputs (e.g. leave that leaves a night one senior short).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from roster_pipeline.explain.facts import (
    RosterContext,
    cover_on,
    day_label,
    fairness_report,
    request_outcomes,
    unavailable,
)
from roster_pipeline.explain.whatif import (
    Change,
    ResolveOutcome,
    apply_change,
    local_resolve,
    resolve,
)

WHY_TIME_LIMIT = 5.0  # cap on the local counterfactual search (45 x 28 days: optimal in about 0.3 s)


def assignment_facts(ctx: RosterContext, registrar_id: str, day: dt.date, shift: str) -> dict[str, Any]:
    """Cover for the shift, who is on leave, eligible colleagues off that day, the registrar's
    requests that day and fairness position: all read from the roster and the validator."""
    regs = ctx.department.registrars
    st = ctx.department.shift_types.get(shift)
    away = unavailable(ctx, day)
    working_that_day = {r for r, d, _ in ctx.assignments.itertuples(index=False) if d == day}
    eligible_off = sorted(
        rid
        for rid, reg in regs.items()
        if st is not None
        and st.site in reg.sites
        and all(s in reg.skills for s in st.skills)
        and rid not in away
        and rid not in working_that_day
    )
    return {
        "registrar_id": registrar_id,
        "date": day.isoformat(),
        "day": day_label(day),
        "shift": shift,
        "site": st.site if st else "",
        "kind": st.kind if st else "",
        "cover": cover_on(ctx, day, shift),
        "on_approved_leave": sorted(away),
        "eligible_but_off": eligible_off,
        "requests_that_day": [r for r in request_outcomes(ctx, registrar_id) if r["date"] == day.isoformat()],
        "fairness": fairness_report(ctx, registrar_id),
    }


def counterfactual(
    ctx: RosterContext, registrar_id: str, day: dt.date, shift: str, time_limit: float | None = None
) -> ResolveOutcome:
    """Re-solve a copy in which `registrar_id` cannot work on `day`."""
    change = Change(kind="leave", registrar_id=registrar_id, start=day, end=day)
    dept, pack = apply_change(ctx.department, ctx.pack, change)
    described = [f"{registrar_id} may not work {shift} (nor any shift) on {day.isoformat()}"]
    limit = time_limit or ctx.solve_seconds
    local = local_resolve(ctx, dept, pack, described, {day}, time_limit=min(WHY_TIME_LIMIT, limit))
    if local is not None:
        return local
    return resolve(ctx, dept, pack, described, limit)


def explain_assignment(
    ctx: RosterContext, registrar_id: str, day: dt.date, shift: str, time_limit: float | None = None
) -> dict[str, Any]:
    """Facts plus the counterfactual, with the binding rules named."""
    facts = assignment_facts(ctx, registrar_id, day, shift)
    outcome = counterfactual(ctx, registrar_id, day, shift, time_limit)
    result = outcome.to_dict()
    if outcome.status.startswith("INFEASIBLE"):
        result["binding"] = outcome.diagnosis or ["no roster exists without this assignment"]
    elif outcome.hard_after is not None:
        delta = outcome.penalty_changes()
        result["cost_change"] = (outcome.total_after or 0) - outcome.total_before
        result["replacement"] = [
            m for m in outcome.moves if m["date"] == day.isoformat() and m["after"] == shift
        ]
        result["binding"] = [f"{rule}: {v:+d}" for rule, v in sorted(delta.items(), key=lambda kv: -kv[1])]
    return {"facts": facts, "counterfactual": result}
