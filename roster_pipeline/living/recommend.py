"""Cover recommendations: who could take one open shift, ranked, each verdict from the validator.

For each registrar not already on the shift, the shift is added to their roster and the independent
validator compares their own rules before and after, on a department reduced to that registrar
(about 10 ms on 45 registrars x 4 weeks, against 60 ms for the whole roster; cover and fairness are
the whole department's and are left out of this step). A new hard violation makes the candidate not
legal (the reasons name the rules; an absence is only "unavailable"); new soft penalties are the
rules the candidate bends. A registrar who works another shift that day may still take it through a
chain: they move to the open shift and a colleague who can legally take their shift does so.
Candidates are ranked legal first, then without a chain, then by the soft penalty they add, then by
their fairness deviation on the shift's measure (who has done least of it comes first), then by id.
The `top` candidates shown as legal are then confirmed on the whole roster by the validator (no new
hard violation anywhere, cover included), so a candidate shown as legal passes it when applied.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import RulePack
from roster_pipeline.living.verdicts import deviation, reason
from roster_pipeline.validator import ValidationReport, validate_roster

Away = dict[str, set[dt.date]]  # registrar -> days of approved leave
CHAIN_TRIES = 6  # registrars working that day tried for a chain when too few are directly legal


class OpenShiftError(ValueError):
    """An open shift that does not exist: unknown shift or site, or a date outside the roster."""


@dataclass
class Candidate:
    """One registrar who could take the open shift, with why (not) and what it costs."""

    registrar_id: str
    legal: bool
    reasons: list[str] = field(default_factory=list)
    soft: dict[str, int] = field(default_factory=dict)  # rule id -> penalty added
    deviation: float = 0.0  # fairness deviation on the shift's measure before (shifts or hours)
    measure: str = "hours"
    notice_days: int = 0
    short_notice: bool = False
    chain: list[dict[str, str]] = field(default_factory=list)
    confirmed: bool = False  # checked on the whole roster by the validator

    def as_dict(self) -> dict[str, object]:
        return {
            "registrar_id": self.registrar_id,
            "legal": self.legal,
            "reasons": self.reasons,
            "soft_penalty": sum(self.soft.values()),
            "soft_rules": self.soft,
            "fairness": {"measure": self.measure, "deviation_before": round(self.deviation, 2)},
            "notice_days": self.notice_days,
            "short_notice": self.short_notice,
            "chain": self.chain,
            "confirmed": self.confirmed,
        }


def _rows(roster: pd.DataFrame) -> pd.DataFrame:
    rows = roster[["registrar_id", "date", "shift"]].reset_index(drop=True)
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    return rows


def _alone(department: Department, registrar_id: str) -> Department:
    """The department with one registrar and no cover demands (their own rules are judged on it)."""
    tables = dict(department.tables)
    registrars = tables["registrars"]
    tables["registrars"] = registrars[registrars["registrar_id"].astype(str) == registrar_id]
    tables["cover"] = tables["cover"].iloc[0:0]
    return Department(tables=tables)


def _unfit(department: Department, away: Away, rid: str, day: dt.date, shift: str) -> str | None:
    """Why `rid` cannot take the shift at all (site, skill, approved leave `away`), before any
    validation."""
    registrar, wanted = department.registrars[rid], department.shift_types[shift]
    if wanted.site not in registrar.sites or not set(wanted.skills) <= set(registrar.skills):
        return f"{rid} may not work {shift} (site or skill)"
    if day in away.get(rid, set()):
        return f"{rid} is unavailable on {day.isoformat()}"
    return None


def _own(report: ValidationReport, registrar_id: str) -> tuple[Counter, Counter]:
    """One registrar's hard-violation units per (rule, type, dates) and soft penalty per rule."""
    hard: Counter = Counter()
    soft: Counter = Counter()
    for v in report.violations:
        if v.registrar_id != registrar_id:
            continue
        if v.hard:
            hard[v.rule_id, v.rule_type, v.dates] += v.units
        else:
            soft[v.rule_id] += v.penalty
    return hard, soft


def _judge(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    rows: pd.DataFrame,
    rid: str,
    added: pd.DataFrame,
) -> tuple[list[str], dict[str, int]]:
    """(new hard violations as reasons, soft penalty added per rule) of `rid` taking `added`."""
    alone = _alone(department, rid)
    mine = rows[rows["registrar_id"] == rid]
    before = _own(validate_roster(alone, pack, horizon, mine), rid)
    after = _own(validate_roster(alone, pack, horizon, pd.concat([mine, added], ignore_index=True)), rid)
    reasons = [
        reason(rule_id, rule_type, rid, dates)
        for (rule_id, rule_type, dates), units in sorted(after[0].items(), key=lambda kv: str(kv[0]))
        if units > before[0].get((rule_id, rule_type, dates), 0)
    ]
    soft = {
        rule: pen - before[1].get(rule, 0) for rule, pen in after[1].items() if pen > before[1].get(rule, 0)
    }
    return reasons, soft


def _one(registrar_id: str, day: dt.date, shift: str) -> pd.DataFrame:
    """One assignment as roster rows."""
    return pd.DataFrame([(registrar_id, day, shift)], columns=["registrar_id", "date", "shift"])


def _measure(department: Department, day: dt.date, shift: str) -> str:
    kind = department.shift_types[shift].kind
    if kind == "night":
        return "nights"
    return "weekends" if day.weekday() >= 5 else "hours"


def _deviations(report: ValidationReport, measure: str) -> dict[str, float]:
    """Each registrar's fairness deviation on `measure` (shifts, or hours), 0 without such a rule."""
    for result in report.fairness.values():
        if result.measure == measure:
            return {rid: deviation(result, rid) for rid in result.deviations}
    return {}


def recommend_cover(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    roster: pd.DataFrame,
    day: dt.date,
    shift: str,
    site: str | None = None,
    top: int = 5,
    today: dt.date | None = None,
) -> list[Candidate]:
    """The `top` best candidates for the open `shift` on `day` (see the module docstring)."""
    if shift not in department.shift_types:
        raise OpenShiftError(f"shift {shift!r} is not in the department's shift types")
    if site is not None and department.shift_types[shift].site != site:
        raise OpenShiftError(f"shift {shift} is at site {department.shift_types[shift].site}, not {site}")
    if day not in horizon:
        raise OpenShiftError(f"{day} is outside the roster ({horizon.start} for {horizon.weeks} weeks)")
    rows = _rows(roster)
    full = validate_roster(department, pack, horizon, rows)
    measure = _measure(department, day, shift)
    deviation = _deviations(full, measure)
    notice = (day - (today or horizon.start)).days
    short = notice < pack.changes.change_notice_days
    on_shift = set(rows[(rows["date"] == day) & (rows["shift"] == shift)]["registrar_id"])
    that_day = rows[rows["date"] == day]
    busy = dict(zip(that_day["registrar_id"], that_day["shift"], strict=True))
    away: Away = department.leave_days("approved")  # once: every candidate and chain reads it
    candidates = []
    for rid in sorted(set(department.registrars) - on_shift):
        unfit = _unfit(department, away, rid, day, shift)
        if unfit or rid in busy:  # works another shift that day: only through a chain
            reasons = [unfit or f"{rid} already works {busy[rid]} on {day}"]
            fairness = deviation.get(rid, 0.0)
            candidates.append(Candidate(rid, False, reasons, {}, fairness, measure, notice, short))
            continue
        reasons, soft = _judge(department, pack, horizon, rows, rid, _one(rid, day, shift))
        candidates.append(
            Candidate(rid, not reasons, reasons, soft, deviation.get(rid, 0.0), measure, notice, short)
        )
    legal = [c for c in candidates if c.legal]
    if len(legal) < top:
        _chains(department, pack, horizon, rows, day, shift, (busy, away), candidates, top - len(legal))
    shown = sorted(candidates, key=_rank)[:top]
    for candidate in shown:
        if candidate.legal:
            _confirm(department, pack, horizon, rows, full, day, shift, candidate)
    return sorted(shown, key=_rank)  # one the whole roster refused falls below the legal ones


def _rank(c: Candidate) -> tuple[bool, bool, int, float, str]:
    """Legal first, then without a chain, fewer soft penalties, least done of the measure, id."""
    return (not c.legal, bool(c.chain), sum(c.soft.values()), c.deviation, c.registrar_id)


def _applied(rows: pd.DataFrame, candidate: Candidate, day: dt.date, shift: str) -> pd.DataFrame:
    """The roster with the candidate on the open shift and their chain applied."""
    out = rows.copy()
    for move in candidate.chain:
        held = (
            (out["registrar_id"] == move["from_registrar"])
            & (out["date"] == day)
            & (out["shift"] == move["shift"])
        )
        out.loc[held, "registrar_id"] = move["to_registrar"]
    extra = pd.DataFrame([(candidate.registrar_id, day, shift)], columns=out.columns)
    return pd.concat([out, extra], ignore_index=True)


def _confirm(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    rows: pd.DataFrame,
    full: ValidationReport,
    day: dt.date,
    shift: str,
    candidate: Candidate,
) -> None:
    """Validate the whole roster with the candidate applied: a new hard violation anywhere (cover
    included) makes them not legal after all."""
    after = validate_roster(department, pack, horizon, _applied(rows, candidate, day, shift))
    before = Counter((v.rule_id, v.registrar_id, v.dates) for v in full.violations if v.hard)
    new = [v for v in after.violations if v.hard and before[(v.rule_id, v.registrar_id, v.dates)] == 0]
    candidate.confirmed = True
    if new:
        candidate.legal = False
        candidate.reasons += [reason(v.rule_id, v.rule_type, v.registrar_id, v.dates) for v in new]


def _chains(
    department: Department,
    pack: RulePack,
    horizon: Horizon,
    rows: pd.DataFrame,
    day: dt.date,
    shift: str,
    taken: tuple[dict[str, str], Away],
    candidates: list[Candidate],
    wanted: int,
) -> None:
    """Give up to `wanted` registrars who work another shift that day a chain: they take the open
    shift and a colleague free that day legally takes theirs. `taken`: each registrar's shift that
    day, and the days of approved leave."""
    busy, away = taken
    free = sorted(set(department.registrars) - set(busy))
    tried = 0
    for candidate in sorted(candidates, key=lambda c: (c.deviation, c.registrar_id)):
        if wanted == 0 or tried == CHAIN_TRIES:
            return
        rid = candidate.registrar_id
        if rid not in busy or _unfit(department, away, rid, day, shift):
            continue
        tried += 1
        their = busy[rid]
        moved = rows[~((rows["registrar_id"] == rid) & (rows["date"] == day))]
        reasons, soft = _judge(department, pack, horizon, moved, rid, _one(rid, day, shift))
        if reasons:
            continue
        for other in free:
            if _unfit(department, away, other, day, their):
                continue
            other_reasons, other_soft = _judge(
                department, pack, horizon, moved, other, _one(other, day, their)
            )
            if not other_reasons:
                candidate.legal, candidate.reasons = True, []
                candidate.soft = dict(Counter(soft) + Counter(other_soft))
                candidate.chain = [{"from_registrar": rid, "to_registrar": other, "shift": their}]
                wanted -= 1
                break
