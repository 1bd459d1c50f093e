"""Fairness: FTE- and availability-adjusted counts, balances, deviations and their penalties."""

from __future__ import annotations

from fractions import Fraction

from roster_pipeline.core.rules import Rule
from roster_pipeline.validator.checks.common import Check, fmt_number, violation
from roster_pipeline.validator.facts import RosterFacts
from roster_pipeline.validator.report import FAIRNESS_UNITS, FairnessResult, Violation
from roster_pipeline.validator.values import exact


def _measure_count(f: RosterFacts, rid: str, measure: str) -> int:
    """c_r: this horizon's nights, worked weekends, public-holiday shifts or worked minutes."""
    worked = f.timeline(rid, horizon_only=True)
    if measure == "nights":
        return sum(1 for w in worked if w.shift.kind == "night")
    if measure == "weekends":
        return sum(1 for sat in f.weekends if f.weekend_worked(rid, sat))
    if measure == "public_holidays":
        return sum(1 for w in worked if w.day in f.public_holidays)
    if measure == "hours":
        return sum(w.shift.minutes for w in worked)
    raise ValueError(f"unknown fairness measure {measure!r}")


def fairness_result(f: RosterFacts, rule: Rule) -> FairnessResult:
    """Counts, shares, balances and deviations (thousandths) for one fairness rule (memoised)."""
    if rule.id not in f.fairness_cache:
        f.fairness_cache[rule.id] = _compute_fairness(f, rule)
    return f.fairness_cache[rule.id]


def _compute_fairness(f: RosterFacts, rule: Rule) -> FairnessResult:
    measure = str(rule.params["measure"])
    # Registrars away for the whole horizon are left out: nothing they do this period can move them.
    scope = [r for r in f.scope(rule) if f.available_days(r.registrar_id) > 0]
    counts = {r.registrar_id: _measure_count(f, r.registrar_id, measure) for r in scope}
    fte_days = {r.registrar_id: round(r.fte * 100) * f.available_days(r.registrar_id) for r in scope}
    total_a, total_c = sum(fte_days.values()), sum(counts.values())
    # Interpretation: with no available days at all (sum_a = 0) every share is 0.
    shares = {rid: round(Fraction(1000 * a, total_a)) if total_a else 0 for rid, a in fte_days.items()}
    scale = 60 if measure == "hours" else 1
    balances = {rid: round(f.history_total(rid, f"{measure}_balance") * scale * 1000) for rid in counts}
    deviations = {rid: balances[rid] + 1000 * counts[rid] - shares[rid] * total_c for rid in counts}
    return FairnessResult(rule.id, measure, counts, shares, balances, deviations)


def check_fairness(f: RosterFacts, rule: Rule) -> list[Violation]:
    """Band units per registrar floor(max(0, |dev| - band) / D), spread units
    floor((max dev - min dev) / D) and deviation units floor(sum |dev| / D)."""
    # Interpretation: the two parts are reported as separate violations whose units are the raw
    # floors and whose penalty is weight * spread_weight (or deviation_weight) * units; a missing
    # or zero part weight switches that part off (no units reported).
    result = fairness_result(f, rule)
    hours = result.measure == "hours"
    d, scale, unit = (6000, 60, "hours") if hours else (100, 1, FAIRNESS_UNITS[result.measure])
    spread_weight = int(rule.params.get("spread_weight") or 0)
    deviation_weight = int(rule.params.get("deviation_weight") or 0)
    band_weight = int(rule.params.get("band_weight") or 0)
    band = round(exact(rule.params.get("band", 0.5)) * 1000 * scale)
    out = []
    for rid, dev in result.deviations.items() if band_weight else ():
        units = max(0, abs(dev) - band) // d
        if units:
            side = "above" if dev > 0 else "below"
            shown = fmt_number(abs(dev) / 1000 / scale)
            msg = f"{rid} is {shown} {unit} {side} an FTE-fair share of {result.measure}"
            out.append(violation(rule, rid, (), units, msg, price=band_weight))
    spread_units = result.spread_thousandths // d
    if spread_weight and spread_units:
        devs = result.deviations
        most, least = max(devs, key=devs.__getitem__), min(devs, key=devs.__getitem__)
        shown = fmt_number(result.spread_thousandths / 1000 / scale)
        msg = f"FTE-adjusted {result.measure} spread is {shown} {unit} ({most} most, {least} least)"
        out.append(violation(rule, None, (), spread_units, msg, price=spread_weight))
    deviation_units = result.total_abs_deviation // d
    if deviation_weight and deviation_units:
        shown = fmt_number(result.total_abs_deviation / 1000 / scale)
        msg = f"FTE-adjusted {result.measure} deviations from fair shares total {shown} {unit}"
        out.append(violation(rule, None, (), deviation_units, msg, price=deviation_weight))
    return out


CHECKS: dict[str, Check] = {
    "fairness": check_fairness,
}
