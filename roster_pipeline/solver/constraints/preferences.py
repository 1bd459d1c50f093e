"""Preference rules: shift requests, continuity, partners working together, home site."""

from __future__ import annotations

from roster_pipeline.core.domain import SHIFT_KINDS, as_date, is_blank
from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import Poster, days_between
from roster_pipeline.solver.model import ONE_DAY, RosterModel, negate


def post_requests(m: RosterModel, rule: Rule) -> None:
    scope = set(m.registrars_for(rule))
    for row in m.department.table("preferences").itertuples(index=False):
        rid = str(row.registrar_id)
        if rid not in scope:
            continue
        last = as_date(row.start) if is_blank(getattr(row, "end", None)) else as_date(row.end)
        selector = _request_selector(getattr(row, "shift", None))
        for day in days_between(as_date(row.start), last):
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


POSTERS: dict[str, Poster] = {
    "requests": post_requests,
    "continuity": post_continuity,
    "partners": post_partners,
    "site_preference": post_site_preference,
}
