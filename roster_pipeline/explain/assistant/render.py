"""Turning tool results into answers: the Answer record and the markdown the offline parser
writes from show_schedule, explain_assignment, what_if and fairness_report results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from roster_pipeline.explain.facts import RosterContext, day_label, name_of
from roster_pipeline.explain.whatif import LOCAL_WINDOW_DAYS


@dataclass
class Answer:
    """An answer to one question: the text shown, the tool results it rests on, and how it was made."""

    text: str
    facts: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    offline: bool = True
    seconds: float = 0.0
    note: str = ""


def render_schedule(ctx: RosterContext, result: dict[str, Any], registrar_id: str | None) -> str:
    """A show_schedule result as a markdown table, one row per date and shift."""
    rows = result["assignments"]
    week = result.get("week_start")
    title = f"Week of {week}" if week else f"Roster from {ctx.horizon.start.isoformat()}"
    if registrar_id:
        title += f" for {name_of(ctx, registrar_id)}"
    if not rows:
        return f"**{title}**: no assignments."
    lines = [
        f"**{title}** ({len(rows)} shifts)",
        "",
        "| date | shift | site | registrars |",
        "|---|---|---|---|",
    ]
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for r in rows:
        grouped.setdefault((r["date"], r["weekday"], r["shift"], r["site"]), []).append(r["registrar_id"])
    for (date, weekday, shift, site), ids in sorted(grouped.items()):
        names = ", ".join(name_of(ctx, i) for i in sorted(ids))
        lines.append(f"| {weekday} {date} | {shift} | {site} | {names} |")
    return "\n".join(lines)


def render_explanation(
    ctx: RosterContext, result: dict[str, Any], registrar_id: str, kind: str | None
) -> str:
    """An explain_assignment result: the facts of the shift, then the counterfactual re-solve."""
    who = name_of(ctx, registrar_id)
    if result.get("assignment", True) is None:
        return f"{who} has no {kind + ' ' if kind else ''}shift matching that in this roster."
    facts, cf = result["facts"], result["counterfactual"]
    day = dt.date.fromisoformat(facts["date"])
    lines = [
        f"**{who}** works {', '.join(result['all_matching'])}. Explaining the first: "
        f"**{facts['shift']}** ({facts['kind']} at {facts['site']}) on {day_label(day)}.",
        "",
    ]
    demands = "; ".join(
        f"{d['skill'] or 'any registrar'}: min {d['min']}, target {d['target']}"
        for d in facts["cover"]["demands"]
    )
    lines.append(f"- Cover for that shift: {demands or 'none set'}; working it: "
                 f"{', '.join(name_of(ctx, r) for r in facts['cover']['working'])}.")  # fmt: skip
    if facts["on_approved_leave"]:
        away = ", ".join(name_of(ctx, r) for r in facts["on_approved_leave"])
        lines.append(f"- On approved leave that day: {away}.")
    if facts.get("unavailable"):
        lines.append(f"- Unavailable that day: {', '.join(name_of(ctx, r) for r in facts['unavailable'])}.")
    lines.append(f"- Eligible colleagues not working that day: {len(facts['eligible_but_off'])}.")
    nights = facts["fairness"].get("fair-nights", {}).get("registrars", {}).get(registrar_id)
    if nights:
        lines.append(
            f"- Nights fairness: {nights['this_period']} this period against a fair share of "
            f"{nights['fair_share_this_period']}, carried balance {nights['carried_balance']:+} "
            f"(negative = fewer than their share before), deviation now {nights['deviation']:+}."
        )
    for req in facts["requests_that_day"]:
        status = "honoured" if req["honoured"] else "not honoured"
        lines.append(f"- Their {req['request']} request that day was {status}.")
    lines.append("")
    lines.append(f"**Without it** ({_how(cf)}, {cf['seconds']} s): {cf['changes'][0]}.")
    if cf["status"] == "INFEASIBLE":
        lines.append("No legal roster exists without this assignment. Binding:")
        lines += [f"- {b}" for b in cf.get("binding", [])]
    elif cf["total_penalty_after"] is not None:
        lines.append(
            f"Total penalty {cf['total_penalty_before']} -> {cf['total_penalty_after']} "
            f"({cf['cost_change']:+d}); hard violations {cf['hard_violations_after']}."
        )
        top = [b for b in cf.get("binding", [])][:5]
        if top:
            lines.append(f"Largest changes by rule: {'; '.join(top)}.")
        repl = cf.get("replacement") or []
        if repl:
            lines.append(
                f"{facts['shift']} would be covered by "
                f"{', '.join(name_of(ctx, m['registrar_id']) for m in repl)}."
            )
    else:
        lines.append(f"The re-solve found no roster in time ({cf['status']}); nothing can be concluded.")
    return "\n".join(lines)


def _how(result: dict[str, Any]) -> str:
    """How a re-solve was made: minimal-change (local) or the whole horizon."""
    if "(local)" in result["status"]:
        return (
            f"minimal-change re-solve of a copy; only days within {LOCAL_WINDOW_DAYS} of the change may move"
        )
    return "full re-solve of a copy"


def render_what_if(ctx: RosterContext, result: dict[str, Any]) -> str:
    """A what_if result: penalties before and after, and who moves."""
    lines = [f"**What if**: {'; '.join(result['changes'])} ({_how(result)}, {result['seconds']} s)."]
    if result["status"].startswith("INFEASIBLE"):
        lines.append("No legal roster exists with this change:")
        lines += [f"- {d}" for d in result["diagnosis"]]
        return "\n".join(lines)
    if result["total_penalty_after"] is None:
        lines.append(f"The re-solve found no roster in time ({result['status']}).")
        return "\n".join(lines)
    lines.append(
        f"Total penalty {result['total_penalty_before']} -> {result['total_penalty_after']}; "
        f"hard violations {result['hard_violations_before']} -> {result['hard_violations_after']}."
    )
    if result["penalty_changes"]:
        lines.append(
            "By rule: " + ", ".join(f"{k} {v:+d}" for k, v in result["penalty_changes"].items()) + "."
        )
    if not result["moves_total"]:
        lines.append("No one moves: the current roster already satisfies the change.")
        return "\n".join(lines)
    lines.append(f"{result['moves_total']} registrar-days change:")
    for move in result["moves"][:12]:
        lines.append(
            f"- {name_of(ctx, move['registrar_id'])} {move['date']}: {move['before'] or 'off'} -> "
            f"{move['after'] or 'off'}"
        )
    return "\n".join(lines)


def render_fairness(ctx: RosterContext, fairness: dict[str, Any]) -> str:
    """A fairness_report as a table: per rule the two highest and the lowest deviation."""
    header = "| rule | measure | spread | registrar | this period | fair share | carried | deviation | rank |"
    lines = [header, "|---|---|---|---|---|---|---|---|---|"]
    for rule_id, entry in fairness.items():
        regs = entry["registrars"]
        ranked = sorted(regs.items(), key=lambda kv: -kv[1]["deviation"])
        shown = ranked if len(ranked) <= 3 else ranked[:2] + ranked[-1:]
        for rid, v in shown:
            lines.append(
                f"| {rule_id} | {entry['measure']} | {entry['spread']} | {name_of(ctx, rid)} | "
                f"{v['this_period']} | {v['fair_share_this_period']} | {v['carried_balance']} | "
                f"{v['deviation']} | {v['rank_from_most']} |"
            )
    return "\n".join(lines)


def render_leave(ctx: RosterContext, result: dict[str, Any]) -> str:
    """A leave_and_requests result: leave rows (a colleague's as "unavailable"), then requests."""
    who = name_of(ctx, result["registrar_id"]) if result.get("registrar_id") else "everyone"
    lines = [f"**Leave and requests for {who}**", ""]
    if not result["leave"]:
        lines.append("No leave in this period.")
    for row in result["leave"]:
        span = row["start"] if row["start"] == row["end"] else f"{row['start']} to {row['end']}"
        if row["status"] == "unavailable":
            lines.append(f"- {name_of(ctx, row['registrar_id'])}: unavailable {span}")
            continue
        reason = f" ({row['reason']})" if row.get("reason") else ""
        lines.append(
            f"- {name_of(ctx, row['registrar_id'])}: {row['type']} leave {span}, {row['status']}{reason}"
        )
    honoured = sum(1 for r in result["requests"] if r["honoured"])
    lines += ["", f"Requests honoured: {honoured} of {len(result['requests'])}."]
    for r in result["requests"]:
        if not r["honoured"]:
            worked = ", ".join(r["worked"]) or "off"
            lines.append(
                f"- {name_of(ctx, r['registrar_id'])} {r['date']}: asked {r['request']} "
                f"{r['shift'] or ''}, worked {worked}".replace("  ", " ")
            )
    return "\n".join(lines)


def render_cover(ctx: RosterContext, result: dict[str, Any]) -> str:
    """A cover_candidates result: per shift, the ranked candidates and why."""
    lines = [f"**Who could cover on {result['date']}**"]
    for code, ranked in result["shifts"].items():
        lines += ["", f"{code}:"]
        for c in ranked:
            who = name_of(ctx, c["registrar_id"])
            if c["legal"]:
                chain = "; ".join(
                    f"{name_of(ctx, m['to_registrar'])} takes their {m['shift']}" for m in c["chain"]
                )
                extra = f" ({chain})" if chain else ""
                lines.append(f"- {who}: can cover{extra}, {c['notice_days']} days' notice")
            else:
                lines.append(f"- {who}: not legal: {'; '.join(c['reasons'][:2])}")
    return "\n".join(lines)


def _shift(code: str) -> str:
    return code or "off"


def render_absence(result: dict[str, Any]) -> str:
    """An absence_repair result: what the repair would change, and what stays uncovered."""
    lines = [
        f"**If {result['event']}**: the repair a sick call would get changes "
        f"{result['changed_assignments']} assignment(s) ({result['seconds']} s; nothing is recorded)."
    ]
    for c in result["changes"]:
        notice = f"{c['notice_days']} days' notice" + (", short notice" if c["short_notice"] else "")
        lines.append(
            f"- {c['date']} {c['registrar_id']}: {_shift(c['before'])} -> {_shift(c['after'])} ({notice}): "
            f"{c['reason']}"
        )
    for u in result["uncovered"]:
        lines.append(f"- {u['date']} {u['shift']} stays {u['short']} short: {'; '.join(u['why'])}")
    if result["hard_violations"]:
        lines.append(f"Hard rules still broken: {result['hard_violations']}.")
    return "\n".join(lines)


def render_changes(result: dict[str, Any]) -> str:
    """A roster_changes result: who changed the registrar's roster, when and why."""
    if result.get("refused"):
        return str(result["refused"])
    if result.get("message"):
        return str(result["message"])
    rid = result["registrar_id"]
    if not result["changes"]:
        return f"No recorded change to {rid}'s roster on those dates."
    lines = [f"**Changes to {rid}'s roster** (from the audit log):"]
    for c in result["changes"]:
        lines.append(
            f"- {c['date']}: {_shift(c['before'])} -> {_shift(c['after'])}, recorded by {c['by']} in "
            f"{c['version_id']} ({c['cause']}): {c['reason']}"
        )
    return "\n".join(lines)
