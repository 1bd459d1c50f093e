"""Cover rules: hard minimum and maximum cover, soft distance from the cover target."""

from __future__ import annotations

import datetime as dt

from roster_pipeline.core.rules import Rule
from roster_pipeline.solver.constraints.common import Poster
from roster_pipeline.solver.model import Lit, RosterModel


def cover_lits(m: RosterModel, day: dt.date, code: str, skill: str | None) -> list[Lit]:
    """The literals of the registrars (with `skill`, if given) who could work `code` on `day`."""
    lits = []
    for rid, registrar in m.registrars.items():
        if skill is not None and skill not in registrar.skills:
            continue
        lit = m.shift_lit(rid, day, code)
        if lit is not False:
            lits.append(lit)
    return lits


def _cover_count(m: RosterModel, day: dt.date, code: str, skill: str | None) -> tuple[list[Lit], int]:
    lits = cover_lits(m, day, code, skill)
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


POSTERS: dict[str, Poster] = {
    "cover_limits": post_cover_limits,
    "cover_target": post_cover_target,
}
