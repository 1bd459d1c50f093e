"""Fairness: each registrar's FTE-weighted share of nights, weekends, public holidays or hours,
carried over from earlier periods through the history balances."""

from __future__ import annotations

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import Poster, count_expr, exact, minutes_expr
from roster_pipeline.solver.constraints.counts import horizon_weekends, weekend_lit
from roster_pipeline.solver.model import RosterModel


def fairness_count(m: RosterModel, rid: str, measure: str) -> tuple[object, int]:
    """(expression, max) of this horizon's count for a fairness measure."""
    days = list(m.horizon.days)
    if measure == "nights":
        return count_expr(m, rid, days, {"kinds": ["night"]})
    if measure == "weekends":
        lits = [weekend_lit(m, rid, w) for w in horizon_weekends(m)]
        return sum(int(v) if isinstance(v, bool) else v for v in lits), len(lits)
    if measure == "public_holidays":
        holidays = [d for d in days if d in m.department.public_holidays]
        return count_expr(m, rid, holidays)
    return minutes_expr(m, rid, days)


def post_fairness(m: RosterModel, rule: Rule) -> None:
    measure = str(rule.params["measure"])
    weights = {}
    for rid in m.registrars_for(rule):
        leave = m.approved_leave.get(rid, set())
        available = sum(day not in leave for day in m.horizon.days)
        if available:  # away for the whole horizon: left out of this period's fairness
            weights[rid] = round(100 * m.registrars[rid].fte) * available
    scope = list(weights)
    if not scope:
        return
    total_weight = sum(weights.values()) or 1
    counts = {}
    for rid in scope:
        expr, top = fairness_count(m, rid, measure)
        count = m.model.NewIntVar(0, top, f"count[{rule.id},{rid}]")
        m.model.Add(count == expr)
        counts[rid] = (count, top)
    total_top = sum(top for _, top in counts.values())
    total = m.model.NewIntVar(0, total_top, f"total[{rule.id}]")
    m.model.Add(total == sum(count for count, _ in counts.values()))
    scale = 60 * 1000 if measure == "hours" else 1000
    divisor = 6000 if measure == "hours" else 100
    devs = []
    for rid in scope:
        share = round(1000 * weights[rid] / total_weight)
        balance = round(scale * m.department.history_total(rid, f"{measure}_balance"))
        count, top = counts[rid]
        low, high = balance - share * total_top, balance + 1000 * top
        dev = m.model.NewIntVar(low, high, f"dev[{rule.id},{rid}]")
        m.model.Add(dev == balance + 1000 * count - share * total)
        if measure != "hours":
            guide = round(exact(rule.params.get("band", 0.5)) * 1000)
            m.fairness_bands.append((dev, guide, max(abs(low), abs(high))))
            if m.fairness_guide:
                m.model.Add(dev <= guide)
                m.model.Add(dev >= -guide)
        devs.append((dev, low, high))
    _post_fairness_penalty(m, rule, devs, divisor)


def _post_fairness_penalty(m: RosterModel, rule: Rule, devs: list, divisor: int) -> None:
    """Soft units of the spread, of each deviation outside the band, and of the total deviation."""
    low = min(d[1] for d in devs)
    high = max(d[2] for d in devs)
    biggest = max(abs(low), abs(high))
    spread_weight = int(rule.params.get("spread_weight") or 0)
    if spread_weight:
        top, bottom = m.model.NewIntVar(low, high, ""), m.model.NewIntVar(low, high, "")
        if m.exact:
            m.model.AddMaxEquality(top, [d[0] for d in devs])
            m.model.AddMinEquality(bottom, [d[0] for d in devs])
        else:
            for dev, _, _ in devs:
                m.model.Add(top >= dev)
                m.model.Add(bottom <= dev)
        spread = m.model.NewIntVar(0, high - low, "")
        m.model.Add(spread == top - bottom)
        spread_units = _floor_div(m, spread, high - low, divisor, f"spread[{rule.id}]")
        m.add_soft(rule, spread_units, spread_weight)
    deviation_weight = int(rule.params.get("deviation_weight") or 0)
    band_weight = int(rule.params.get("band_weight") or 0)
    if not (deviation_weight or band_weight):
        return
    absolutes = []
    for dev, _, _ in devs:
        size = m.model.NewIntVar(0, biggest, "")
        if m.exact:
            m.model.AddAbsEquality(size, dev)
        else:
            m.model.Add(size >= dev)
            m.model.Add(size >= -dev)
        absolutes.append(size)
    if band_weight:
        band = round(exact(rule.params.get("band", 0.5)) * 1000 * (60 if divisor == 6000 else 1))
        for size in absolutes:
            outside = m.model.NewIntVar(0, max(0, biggest - band), "")
            m.model.Add(outside >= size - band)
            if m.exact:
                m.model.AddMaxEquality(outside, [0, size - band])
            m.add_soft(
                rule, _floor_div(m, outside, max(0, biggest - band), divisor, f"band[{rule.id}]"), band_weight
            )
    if deviation_weight:
        total = m.model.NewIntVar(0, biggest * len(devs), "")
        m.model.Add(total == sum(absolutes))
        total_units = _floor_div(m, total, biggest * len(devs), divisor, f"deviation[{rule.id}]")
        m.add_soft(rule, total_units, deviation_weight)


def _floor_div(m: RosterModel, value, top: int, divisor: int, name: str):
    """A variable at least floor(value / divisor) (equal when the model is exact), posted linearly."""
    quotient = m.model.NewIntVar(0, top // divisor, name)
    m.model.Add(value <= divisor * quotient + divisor - 1)
    if m.exact:
        m.model.Add(divisor * quotient <= value)
    return quotient


POSTERS: dict[str, Poster] = {
    "fairness": post_fairness,
}
