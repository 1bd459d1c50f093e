"""Posting of each generic rule type onto a RosterModel (semantics: docs/engine-spec.md §4)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from fractions import Fraction

from roster_pipeline.core.domain import SHIFT_KINDS, as_date, is_blank
from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.model import ONE_DAY, RosterModel, matches, negate

DAY_MINUTES = 1440


def _days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _minutes_expr(m: RosterModel, rid: str, days: list[dt.date], selector: dict | None = None):
    """(linear expression of worked minutes, its max) over `days`; history days are constants."""
    terms, top = [], 0
    for day in days:
        day_max = 0
        for code, lit in m.day_shift_lits(rid, day, selector):
            minutes = m.shifts[code].minutes
            terms.append(minutes * lit if lit is not True else minutes)
            day_max = max(day_max, minutes)
        top += day_max
    return sum(terms), top


def _count_expr(m: RosterModel, rid: str, days: list[dt.date], selector: dict | None = None):
    """(linear expression of days with a matching shift, its max) over `days`."""
    lits = [m.works(rid, day, selector) for day in days]
    return sum(int(lit) if isinstance(lit, bool) else lit for lit in lits), sum(
        lit is not False for lit in lits
    )


def _rolling_windows(m: RosterModel, days: int) -> list[list[dt.date]]:
    first = max(m.known_start, m.horizon.start - dt.timedelta(days=days - 1))
    windows = []
    day = first
    while day + dt.timedelta(days=days - 1) <= m.horizon.end:
        windows.append(_days_between(day, day + dt.timedelta(days=days - 1)))
        day += ONE_DAY
    return windows


def post_min_rest(m: RosterModel, rule: Rule) -> None:
    rest = int(round(60 * float(rule.params["hours"])))
    max_len = max(s.minutes for s in m.shifts.values())
    max_offset = (rest + max_len) // DAY_MINUTES + 1
    conflicts = [
        (a.code, b.code, offset)
        for a in m.shifts.values()
        for b in m.shifts.values()
        for offset in range(1, max_offset + 1)
        if offset * DAY_MINUTES + b.start - (a.start + a.minutes) < rest
    ]
    for rid in m.registrars_for(rule):
        for day in m.horizon.days:
            for code_a, code_b, offset in conflicts:
                first = day - dt.timedelta(days=offset)
                if first < m.known_start:
                    continue
                m.forbid(rule, [m.shift_lit(rid, first, code_a), m.shift_lit(rid, day, code_b)])


def post_max_shift_length(m: RosterModel, rule: Rule) -> None:
    limit = 60 * float(rule.params["hours"])
    for rid in m.registrars_for(rule):
        for day in m.horizon.days:
            for code, lit in m.day_shift_lits(rid, day):
                if m.shifts[code].minutes > limit:
                    m.forbid(rule, [lit])


def post_max_hours_rolling(m: RosterModel, rule: Rule) -> None:
    limit = math.floor(60 * exact(rule.params["hours"]))
    for rid in m.registrars_for(rule):
        for window in _rolling_windows(m, int(rule.params["days"])):
            expr, top = _minutes_expr(m, rid, window)
            m.limit(rule, expr, limit, (0, top), divisor=60)


def post_max_avg_weekly_hours(m: RosterModel, rule: Rule) -> None:
    limit = math.floor(60 * exact(rule.params["hours"]) * len(m.horizon.days) / 7)
    for rid in m.registrars_for(rule):
        expr, top = _minutes_expr(m, rid, list(m.horizon.days))
        m.limit(rule, expr, limit, (0, top), divisor=60)


def exact(value: object) -> Fraction:
    """A parameter or data number read as the decimal a person wrote (40 * 0.7 is exactly 28)."""
    return Fraction(float(value)).limit_denominator(10**6)


def post_contract_hours(m: RosterModel, rule: Rule) -> None:
    for rid in m.registrars_for(rule):
        registrar = m.registrars[rid]
        leave = m.approved_leave.get(rid, set())
        available = sum(day not in leave for day in m.horizon.days)
        target = exact(registrar.contract_hours) * 60 * available / 7
        low = math.floor(target * exact(rule.params["min_fraction"]))
        high = math.ceil(target * exact(rule.params["max_fraction"]))
        expr, top = _minutes_expr(m, rid, list(m.horizon.days))
        m.limit(rule, expr, high, (0, top), divisor=60)
        m.at_least(rule, expr, low, (0, top), divisor=60)


def post_total_minutes(m: RosterModel, rule: Rule) -> None:
    low, high = rule.params.get("min_minutes"), rule.params.get("max_minutes")
    for rid in m.registrars_for(rule):
        expr, top = _minutes_expr(m, rid, list(m.horizon.days))
        if high is not None:
            m.limit(rule, expr, int(high), (0, top), divisor=60)
        if low is not None:
            m.at_least(rule, expr, int(low), (0, top), divisor=60)


def post_max_consecutive_days(m: RosterModel, rule: Rule) -> None:
    _post_max_run(m, rule, int(rule.params["max"]), None)


def _post_max_run(m: RosterModel, rule: Rule, longest: int, selector: dict | None) -> None:
    for rid in m.registrars_for(rule):
        for last in m.horizon.days:
            first = last - dt.timedelta(days=longest)
            if first < m.known_start:
                continue
            m.forbid(rule, [m.works(rid, d, selector) for d in _days_between(first, last)])


def _post_min_run(m: RosterModel, rule: Rule, shortest: int, working: bool) -> None:
    """Forbid maximal runs (of work, or of days off) shorter than `shortest` inside known days."""
    for rid in m.registrars_for(rule):
        for length in range(1, shortest):
            first = m.known_start + ONE_DAY
            while first + dt.timedelta(days=length) <= m.horizon.end:
                run = _days_between(first, first + dt.timedelta(days=length - 1))
                after = first + dt.timedelta(days=length)
                if after >= m.horizon.start:  # judged by the horizon holding the closing day
                    lits = [m.works(rid, d) for d in run]
                    edges = [m.works(rid, first - ONE_DAY), m.works(rid, after)]
                    if not working:
                        lits, edges = [negate(v) for v in lits], [negate(v) for v in edges]
                    m.forbid(rule, [negate(edges[0]), *lits, negate(edges[1])])
                first += ONE_DAY


def post_min_consecutive_days(m: RosterModel, rule: Rule) -> None:
    _post_min_run(m, rule, int(rule.params["min"]), working=True)


def post_min_consecutive_days_off(m: RosterModel, rule: Rule) -> None:
    _post_min_run(m, rule, int(rule.params["min"]), working=False)


def post_max_consecutive_kind(m: RosterModel, rule: Rule) -> None:
    selector = dict(rule.params["selector"])
    _post_max_run(m, rule, int(rule.params["max"]), selector)
    if rule.params.get("rest_hours") is None:
        return
    rest = int(round(60 * float(rule.params["rest_hours"])))
    min_run = int(rule.params.get("min_run", 1))
    for rid in m.registrars_for(rule):
        first_end = max(m.known_start, m.horizon.start - ONE_DAY)
        for end_day in _days_between(first_end, m.horizon.end - ONE_DAY):
            run = _days_between(end_day - dt.timedelta(days=min_run - 1), end_day)
            if run[0] < m.known_start:
                continue
            before = [m.works(rid, d, selector) for d in run[:-1]]
            stop = negate(m.works(rid, end_day + ONE_DAY, selector))
            for code_a, lit_a in m.day_shift_lits(rid, end_day, selector):
                finish = m.shifts[code_a].start + m.shifts[code_a].minutes
                _forbid_short_rest(m, rule, rid, end_day, finish + rest, [*before, lit_a, stop], selector)


def _forbid_short_rest(m, rule, rid, end_day, until, pattern, selector) -> None:
    """Forbid any shift after `end_day` starting before minute `until` (counted from end_day)."""
    offset = 1
    while offset * DAY_MINUTES < until:
        day = end_day + dt.timedelta(days=offset)
        if day > m.horizon.end:
            return
        for code_b, lit_b in m.day_shift_lits(rid, day):
            if offset == 1 and matches(m.shifts[code_b], selector):
                continue
            if offset * DAY_MINUTES + m.shifts[code_b].start < until:
                m.forbid(rule, [*pattern, lit_b])
        offset += 1


def post_forbidden_succession(m: RosterModel, rule: Rule) -> None:
    """A `from` shift on d and a `to` shift on d+1: one unit per day pair (one shift a day).

    Hard, the pair is one at-most-one over both days' literals (no auxiliary variables and a
    clique the LP sees); soft, one AND of the two days' ORs.
    """
    first, then = dict(rule.params["from"]), dict(rule.params["to"])
    for rid in m.registrars_for(rule):
        for day in m.horizon.days:
            before = day - ONE_DAY
            if before < m.known_start:
                continue
            lits_a = [lit for _, lit in m.day_shift_lits(rid, before, first)]
            lits_b = [lit for _, lit in m.day_shift_lits(rid, day, then)]
            if not lits_a or not lits_b:
                continue
            if rule.hard:
                m.at_most_one(rule, [*lits_a, *lits_b])
            else:
                m.forbid(rule, [m.or_lit(lits_a), m.or_lit(lits_b)])


def post_max_shifts_of_type(m: RosterModel, rule: Rule) -> None:
    selector = dict(rule.params["selector"])
    for rid in m.registrars_for(rule):
        expr, top = _count_expr(m, rid, list(m.horizon.days), selector)
        m.limit(rule, expr, int(rule.params["max"]), (0, top))


def post_max_shifts_in_window(m: RosterModel, rule: Rule) -> None:
    selector = dict(rule.params["selector"])
    for rid in m.registrars_for(rule):
        for window in _rolling_windows(m, int(rule.params["days"])):
            expr, top = _count_expr(m, rid, window, selector)
            m.limit(rule, expr, int(rule.params["max"]), (0, top))


def horizon_weekends(m: RosterModel) -> list[tuple[dt.date, dt.date]]:
    """(Saturday, Sunday) of every weekend with at least one day in the horizon."""
    first = m.horizon.start - dt.timedelta(days=(m.horizon.start.weekday() - 5) % 7)
    out = []
    while first <= m.horizon.end:
        sunday = first + ONE_DAY
        if first in m.horizon or sunday in m.horizon:
            out.append((first, sunday))
        first += dt.timedelta(days=7)
    return out


def weekend_lit(m: RosterModel, rid: str, weekend: tuple[dt.date, dt.date]) -> object:
    key = ("weekend", rid, weekend[0])
    if key not in m._cache:
        sat, sun = m.works(rid, weekend[0]), m.works(rid, weekend[1])
        m._cache[key] = negate(m.and_lit([negate(sat), negate(sun)]))
    return m._cache[key]


def post_weekend_limit(m: RosterModel, rule: Rule) -> None:
    weekends = horizon_weekends(m)
    for rid in m.registrars_for(rule):
        lits = [weekend_lit(m, rid, w) for w in weekends]
        if rule.params.get("max") is not None:
            m.limit(rule, sum(lits), int(rule.params["max"]), (0, len(lits)))
        if rule.params.get("window") is not None:
            size = int(rule.params["window"])
            for i in range(len(lits) - size + 1):
                window = lits[i : i + size]
                m.limit(rule, sum(window), int(rule.params["max_in_window"]), (0, size))


def post_days_off_per_window(m: RosterModel, rule: Rule) -> None:
    size = int(rule.params["window_days"])
    days = list(m.horizon.days)
    starts = (
        range(len(days) - size + 1) if rule.params.get("rolling") else range(0, len(days) - size + 1, size)
    )
    consecutive = int(rule.params.get("min_consecutive_off") or 0)
    for rid in m.registrars_for(rule):
        for i in starts:
            window = days[i : i + size]
            worked = [m.works(rid, d) for d in window]
            m.limit(rule, sum(worked), size - int(rule.params["min_days_off"]), (0, size))
            if consecutive >= 1:
                runs = [
                    m.and_lit(
                        [negate(v) for v in worked[j : j + consecutive]], "exact" if m.exact else "at_most"
                    )
                    for j in range(size - consecutive + 1)
                ]
                m.forbid(rule, [negate(r) for r in runs])


def _cover_count(m: RosterModel, day: dt.date, code: str, skill: str | None) -> tuple[list, int]:
    lits = []
    for rid, registrar in m.registrars.items():
        if skill is not None and skill not in registrar.skills:
            continue
        lit = m.shift_lit(rid, day, code)
        if lit is not False:
            lits.append(lit)
    return lits, len(lits)


def post_cover_limits(m: RosterModel, rule: Rule) -> None:
    for demand in m.department.cover_demands(m.horizon):
        lits, top = _cover_count(m, demand.date, demand.shift, demand.skill)
        group = ("cover", demand.date, demand.shift, demand.skill)
        if demand.min > 0:
            m.at_least(rule, sum(lits), demand.min, (0, top), group=group)
        m.limit(rule, sum(lits), demand.max, (0, top), group=group)


def post_cover_target(m: RosterModel, rule: Rule) -> None:
    under, over = int(rule.params["under_weight"]), int(rule.params["over_weight"])
    for demand in m.department.cover_demands(m.horizon):
        lits, top = _cover_count(m, demand.date, demand.shift, demand.skill)
        if under:
            m.at_least(rule, sum(lits), demand.target, (0, top), coef=under)
        if over:
            m.limit(rule, sum(lits), demand.target, (0, top), coef=over)


def post_approved_leave(m: RosterModel, rule: Rule) -> None:
    for rid in m.registrars_for(rule):
        for day in sorted(m.approved_leave.get(rid, set())):
            if day in m.horizon:
                for _, lit in m.day_shift_lits(rid, day):
                    m.forbid(rule, [lit], group=("leave", rid))


def post_requested_leave(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for row in m.department.table("leave").itertuples(index=False):
        rid = str(row.registrar_id)
        if str(row.status) != "requested" or rid not in scope:
            continue
        weight = 10 if is_blank(getattr(row, "weight", None)) else int(float(row.weight))
        for day in _days_between(as_date(row.start), as_date(row.end)):
            if day in m.horizon:
                for _, lit in m.day_shift_lits(rid, day):
                    m.forbid(rule, [lit], price=weight)


def training_windows(m: RosterModel) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    """(registrar, start, end, name) for every protected training window."""
    out = []
    for row in m.department.table("training").itertuples(index=False):
        day = as_date(row.date)
        start = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=_hhmm(row.start))
        end = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=_hhmm(row.end))
        if end <= start:
            end += ONE_DAY
        name = "" if is_blank(getattr(row, "name", None)) else str(row.name)
        for rid in _training_registrars(m, row):
            out.append((rid, start, end, name))
    return out


def _hhmm(value: str) -> int:
    hours, minutes = str(value).split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _training_registrars(m: RosterModel, row) -> list[str]:
    if not is_blank(getattr(row, "registrar_id", None)):
        return [str(row.registrar_id)]
    group = str(row.group)
    return [
        rid
        for rid, reg in m.registrars.items()
        if group == "ALL" or reg.grade == group or group in reg.skills
    ]


def post_training(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for rid, start, end, name in training_windows(m):
        if rid not in scope:
            continue
        for day in (start.date() - ONE_DAY, start.date(), end.date()):
            if day not in m.horizon:
                continue
            for code, lit in m.day_shift_lits(rid, day):
                shift_start, shift_end = m.shifts[code].interval(day)
                if shift_start < end and start < shift_end:
                    m.forbid(rule, [lit], group=("training", rid, start.date(), name))


def post_requests(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for row in m.department.table("preferences").itertuples(index=False):
        rid = str(row.registrar_id)
        if rid not in scope:
            continue
        last = as_date(row.start) if is_blank(getattr(row, "end", None)) else as_date(row.end)
        selector = _request_selector(getattr(row, "shift", None))
        for day in _days_between(as_date(row.start), last):
            if day not in m.horizon:
                continue
            if row.request == "day_off":
                lit = m.works(rid, day)
            elif row.request == "avoid":
                lit = m.works(rid, day, selector)
            else:
                lit = negate(m.works(rid, day, selector))
            weight = 1 if is_blank(row.weight) else int(float(row.weight))
            m.forbid(rule, [lit], price=weight)


def _request_selector(value: object) -> dict:
    if is_blank(value):
        return {}
    text = str(value)
    return {"kinds": [text]} if text in SHIFT_KINDS else {"shifts": [text]}


def fairness_count(m: RosterModel, rid: str, measure: str) -> tuple[object, int]:
    """(expression, max) of this horizon's count for a fairness measure."""
    days = list(m.horizon.days)
    if measure == "nights":
        return _count_expr(m, rid, days, {"kinds": ["night"]})
    if measure == "weekends":
        lits = [weekend_lit(m, rid, w) for w in horizon_weekends(m)]
        return sum(int(v) if isinstance(v, bool) else v for v in lits), len(lits)
    if measure == "public_holidays":
        holidays = [d for d in days if d in m.department.public_holidays]
        return _count_expr(m, rid, holidays)
    return _minutes_expr(m, rid, days)


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
        if m.fairness_guide and measure != "hours":
            guide = round(exact(rule.params.get("band", 0.5)) * 1000)
            m.model.Add(dev <= guide)
            m.model.Add(dev >= -guide)
        devs.append((dev, low, high))
    _post_fairness_penalty(m, rule, devs, divisor)


def _post_fairness_penalty(m: RosterModel, rule: Rule, devs: list, divisor: int) -> None:
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
        m._add_soft(rule, spread_units, spread_weight)
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
            m._add_soft(
                rule, _floor_div(m, outside, max(0, biggest - band), divisor, f"band[{rule.id}]"), band_weight
            )
    if deviation_weight:
        total = m.model.NewIntVar(0, biggest * len(devs), "")
        m.model.Add(total == sum(absolutes))
        total_units = _floor_div(m, total, biggest * len(devs), divisor, f"deviation[{rule.id}]")
        m._add_soft(rule, total_units, deviation_weight)


def _floor_div(m: RosterModel, value, top: int, divisor: int, name: str):
    """A variable at least floor(value / divisor) (equal when the model is exact), posted linearly."""
    quotient = m.model.NewIntVar(0, top // divisor, name)
    m.model.Add(value <= divisor * quotient + divisor - 1)
    if m.exact:
        m.model.Add(divisor * quotient <= value)
    return quotient


def post_continuity(m: RosterModel, rule: Rule) -> None:
    kinds = sorted({s.kind for s in m.shifts.values()})
    sites = sorted({s.site for s in m.shifts.values()})
    kind_w = int(rule.params.get("kind_change", 0))
    site_w = int(rule.params.get("site_change", 0))
    isolated_w = int(rule.params.get("isolated", 0))
    days = list(m.horizon.days)
    for rid in m.registrars_for(rule):
        for day, nxt in zip(days, days[1:], strict=False):
            work_next = m.works(rid, nxt)
            for values, key, weight in ((kinds, "kinds", kind_w), (sites, "sites", site_w)):
                if not weight:
                    continue
                for value in values:
                    same_next = m.works(rid, nxt, {key: [value]})
                    m.forbid(
                        rule, [m.works(rid, day, {key: [value]}), work_next, negate(same_next)], coef=weight
                    )
            if isolated_w:
                before = m.works(rid, day - ONE_DAY)
                lits = [negate(before), m.works(rid, day), negate(work_next)]
                m.forbid(rule, lits, coef=isolated_w)


def post_partners(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for row in m.department.table("partners").itertuples(index=False):
        a, b = str(row.registrar_a), str(row.registrar_b)
        if a not in scope or b not in scope:
            continue
        weight = 1 if is_blank(getattr(row, "weight", None)) else int(float(row.weight))
        for day in m.horizon.days:
            together = []
            for code in m.shifts:
                lit_a, lit_b = m.shift_lit(a, day, code), m.shift_lit(b, day, code)
                together.append(m.and_lit([lit_a, lit_b], "exact" if m.exact else "at_most"))
            same = m.or_lit(together)
            m.forbid(rule, [m.works(a, day), m.works(b, day), negate(same)], price=weight)


def post_site_preference(m: RosterModel, rule: Rule) -> None:
    for rid in m.registrars_for(rule):
        home = m.registrars[rid].home_site
        for day in m.horizon.days:
            for code, lit in m.day_shift_lits(rid, day):
                if m.shifts[code].site != home:
                    m.forbid(rule, [lit])


POSTERS: dict[str, Callable[[RosterModel, Rule], None]] = {
    name.removeprefix("post_"): fn for name, fn in globals().items() if name.startswith("post_")
}


def post_rule(m: RosterModel, rule: Rule) -> None:
    """Post one rule instance onto the model."""
    POSTERS[rule.type](m, rule)
