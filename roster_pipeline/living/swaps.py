"""Shift swaps between registrars, judged by the independent validator and the fairness ledger.

R001 gives `2027-02-10 N-NTH` to R014 and takes R014's `2027-02-12 D-NTH` (or gives it away: R014
takes it and gives nothing back). The roster with the swap applied is validated over the whole
horizon and compared with the roster before it:

- refused: the swap breaks a hard rule (a violation that is new or has more units than before);
- pending: a manager must decide: a soft rule newly bent (which, for whom, and by how much), a
  count-based fairness deviation (nights, weekends, public holidays) moved by more than the pack's
  `swap_fairness_limit`, or a pack that does not auto-approve swaps (`swap_auto_approve`);
- approved: none of these; the swapped roster is returned (recorded as an amended version by the
  caller).

Reasons name rules, registrars and dates; an absence appears only as "unavailable", never as
leave or training (the verdict goes to both registrars).
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

COUNT_MEASURES = ("nights", "weekends", "public_holidays")


class SwapError(ValueError):
    """A swap that cannot be judged: a registrar, shift or date not in the roster, or not held."""


@dataclass(frozen=True)
class Hand:
    """One side of a swap: the registrar and the shift they hand over (None: they take, give nothing)."""

    registrar_id: str
    date: dt.date | None = None
    shift: str | None = None

    @classmethod
    def parse(cls, text: str) -> Hand:
        """`R001:2027-02-10:N-NTH`, or `R014::` for a registrar who hands over nothing."""
        parts = text.split(":")
        if len(parts) != 3 or not parts[0]:
            raise SwapError(f"{text!r} is not REGISTRAR:DATE:SHIFT (or REGISTRAR:: to give nothing)")
        rid, day, shift = parts
        if not day and not shift:
            return cls(rid)
        if not day or not shift:
            raise SwapError(f"{text!r}: give both a date and a shift, or neither")
        try:
            return cls(rid, dt.date.fromisoformat(day), shift)
        except ValueError:
            raise SwapError(f"{text!r}: {day!r} is not a date YYYY-MM-DD") from None


@dataclass
class SwapVerdict:
    """approved, pending or refused, with the reasons (rules, fairness) and the swapped roster."""

    verdict: str
    reasons: list[str] = field(default_factory=list)
    hard: list[dict[str, object]] = field(default_factory=list)
    soft: list[dict[str, object]] = field(default_factory=list)
    fairness: list[dict[str, object]] = field(default_factory=list)
    roster: pd.DataFrame | None = None

    def summary(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "reasons": self.reasons,
            "hard": self.hard,
            "soft": self.soft,
            "fairness": self.fairness,
        }


def describe(give: Hand, take: Hand) -> str:
    """A swap in words: 'R001 gives N-NTH on 2027-02-10 to R014, takes D-NTH on 2027-02-12'."""
    text = f"{give.registrar_id} gives {give.shift} on {give.date} to {take.registrar_id}"
    return text + (f", takes {take.shift} on {take.date}" if take.date else "")


def swapped(
    roster: pd.DataFrame, department: Department, horizon: Horizon, give: Hand, take: Hand
) -> pd.DataFrame:
    """The roster with `give`'s shift moved to `take`'s registrar and `take`'s (if any) to `give`'s."""
    rows = roster[["registrar_id", "date", "shift"]].reset_index(drop=True)  # labels unique
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    for hand in (give, take):
        if hand.registrar_id not in department.registrars:
            raise SwapError(f"registrar {hand.registrar_id!r} is not in the department")
    if give.date is None:
        raise SwapError("the registrar giving must name the shift they give (REGISTRAR:DATE:SHIFT)")
    if give.registrar_id == take.registrar_id:
        raise SwapError("a swap needs two different registrars")
    moves = [(give, take.registrar_id)] + ([(take, give.registrar_id)] if take.date is not None else [])
    for hand, receiver in moves:
        if hand.date not in horizon:
            raise SwapError(f"{hand.date} is outside the roster ({horizon.start} for {horizon.weeks} weeks)")
        held = (
            (rows.registrar_id == hand.registrar_id)
            & (rows.date == hand.date)
            & (rows["shift"] == hand.shift)
        )
        if not held.any():
            raise SwapError(f"{hand.registrar_id} does not work {hand.shift} on {hand.date} in this roster")
        rows.loc[held.idxmax(), "registrar_id"] = receiver
    return rows.reset_index(drop=True)


def _keyed(report: ValidationReport) -> tuple[Counter, Counter]:
    """Units and penalty per (rule, registrar, dates) of a report."""
    units: Counter = Counter()
    penalty: Counter = Counter()
    for v in report.violations:
        key = (v.rule_id, v.registrar_id, v.dates, v.hard, v.rule_type)
        units[key] += v.units
        penalty[key] += v.penalty
    return units, penalty


def _worse(before: ValidationReport, after: ValidationReport) -> list[dict[str, object]]:
    """Violations new or with more units after the swap, with the validator's penalty change."""
    (old, old_penalty), (new, new_penalty) = _keyed(before), _keyed(after)
    out = []
    for key, units in sorted(new.items(), key=lambda kv: str(kv[0])):
        more = units - old.get(key, 0)
        if more > 0:
            rule_id, rid, dates, hard, rule_type = key
            out.append(
                {
                    "rule_id": rule_id,
                    "hard": hard,
                    "registrar_id": rid,
                    "dates": [d.isoformat() for d in dates],
                    "units": more,
                    "penalty_change": int(new_penalty[key] - old_penalty.get(key, 0)),
                    "reason": reason(rule_id, rule_type, rid, dates),
                }
            )
    return out


def _fairness_moves(
    before: ValidationReport, after: ValidationReport, people: tuple[str, str], limit: float
) -> list[dict[str, object]]:
    """Per fairness rule and registrar of the swap: the deviation's change (in shifts or hours)."""
    out = []
    for rule_id, result in after.fairness.items():
        old = before.fairness.get(rule_id)
        for rid in people:
            change = deviation(result, rid) - deviation(old, rid)
            if change:
                gated = result.measure in COUNT_MEASURES
                out.append(
                    {
                        "rule_id": rule_id,
                        "measure": result.measure,
                        "registrar_id": rid,
                        "change": round(change, 2),
                        "limit": limit if gated else None,
                        "over_limit": gated and abs(change) > limit + 1e-9,
                    }
                )
    return out


def check_swap(
    department: Department, pack: RulePack, horizon: Horizon, roster: pd.DataFrame, give: Hand, take: Hand
) -> SwapVerdict:
    """Judge a swap (see the module docstring); `SwapError` if it cannot be applied to `roster`."""
    after_roster = swapped(roster, department, horizon, give, take)
    before = validate_roster(department, pack, horizon, roster)
    after = validate_roster(department, pack, horizon, after_roster)
    worse = _worse(before, after)
    hard = [w for w in worse if w["hard"]]
    soft = [w for w in worse if not w["hard"]]
    policy = pack.changes
    fairness = _fairness_moves(
        before, after, (give.registrar_id, take.registrar_id), policy.swap_fairness_limit
    )
    if hard:
        reasons = [f"breaks a hard rule: {w['reason']}" for w in hard]
        return SwapVerdict("refused", reasons, hard, soft, fairness)
    reasons = [f"bends {w['reason']} (+{w['penalty_change']} penalty)" for w in soft]
    reasons += [
        f"{f['rule_id']}: {f['registrar_id']}'s {f['measure']} deviation moves by {f['change']:+} "
        f"(limit {f['limit']})"
        for f in fairness
        if f["over_limit"]
    ]
    if not policy.swap_auto_approve:
        reasons.append(f"{pack.id} has every swap approved by a manager (swap_auto_approve: false)")
    verdict = "pending" if reasons else "approved"
    return SwapVerdict(
        verdict, reasons, hard, soft, fairness, after_roster if verdict == "approved" else None
    )
