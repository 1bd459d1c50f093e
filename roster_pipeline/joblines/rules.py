"""The hard rule groups of the job-line model (AMC and local rules), one `post_<group>` function each.

Each group is enforced by one literal of `RuleContext.lits`: a normal solve fixes the literals to true,
the diagnosis passes them as assumptions. Leave (a simplification, see docs/joblines.md) sits inside
terms: one block of `leave_weeks` in one term, or (when `leave_split` is set) two blocks of 2 and 3
weeks in two terms whose start weeks are at least `leave_split_gap` apart. A term holding leave keeps
its rotation; that rotation's clinical weeks are the term's weeks minus the leave. All percentages
are of clinical weeks (total weeks minus leave), the rotation's weeks counted net of leave.

`post_rules` applies the posters in a fixed order (it fixes the CP-SAT model): the template, the
leave of every line, the per-line rules line by line, then the per-(term, rotation) rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from ortools.sat.python import cp_model

from roster_pipeline.joblines.data import JoblineRules, Plan

Y = dict[tuple[int, int, str], cp_model.IntVar]

# Rule group -> plain-words description used by the diagnosis (the order of the rule literals).
RULE_GROUPS = {
    "program_length": "at least {clinical_weeks_min} clinical weeks after {leave_weeks} weeks leave (AMC1)",
    "leave": "annual leave placed as one block or as a split at least {leave_split_gap} weeks apart",
    "capacity": "no rotation takes more doctors than its capacity in a term",
    "min_staffing": "every rotation has at least its minimum staffing in every term",
    "specialty_cap": "PGY1: at most {pgy1_specialty_max}% of the year in one specialty (AMC4)",
    "subspecialty_cap": "at most {subspecialty_max}% of the year in one subspecialty (AMC5)",
    "service_cap": "service terms at most {pgy1_service_max}% (PGY1) / {pgy2_service_max}% (PGY2) (AMC6)",
    "clinical_team": "at least {clinical_team_min}% of the year in a clinical team (AMC7)",
    "categories": "clinical experiences {pgy1_categories} (PGY1) and {pgy2_categories} (PGY2) covered (AMC8)",
    "distinct_specialties": "PGY1: at least {pgy1_min_specialties} different specialties (AMC3)",
    "distinct_subspecialties": "PGY2: {pgy2_min_subspecialties}-{pgy2_max_subspecialties} different "
    "subspecialties (AMC3)",
    "no_repeat": "no rotation twice in a line except one PGY2 6-month rotation over consecutive terms",
    "rural": "at most {rural_max_terms} rural term per line",
    "relief_nights": "at most {relief_nights_max_terms} relief or nights term per line",
}


def specialty_groups(rotations: pd.DataFrame, column: str) -> dict[str, list[str]]:
    """Rotation ids per value of `column` (specialty or subspecialty), sorted by value."""
    return {k: list(v) for k, v in rotations.groupby(column, sort=True)["rotation_id"]}


def _largest_sum(weeks: list[int], k: int) -> int:
    return sum(sorted(weeks, reverse=True)[:k])


@dataclass
class RuleContext:
    """The model, the plan's facts the posters read, and the structure they add (leave, 6-month
    rotations, specialty presence, minimum-staffing drops)."""

    m: cp_model.CpModel
    plan: Plan
    lits: dict[str, cp_model.IntVar]
    y: Y
    allow_drops: bool = False
    leave: dict[tuple[int, int], cp_model.LinearExpr] = field(default_factory=dict)
    leave_blocks: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)
    six: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    has_specialty: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    drops: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    drop_cost: list[cp_model.LinearExpr] = field(default_factory=list)

    def __post_init__(self) -> None:
        plan = self.plan
        self.rules: JoblineRules = plan.rules
        self.rot = plan.catalogue.rotations.set_index("rotation_id")
        self.rids: list[str] = list(self.rot.index)
        self.terms: list[int] = list(plan.weeks)
        self.weeks: dict[int, int] = plan.weeks
        self.starts = {t: sum(self.weeks[u] for u in self.terms[:i]) for i, t in enumerate(self.terms)}
        self.pgys = [int(p) for p in plan.cohort.pgy]
        self.lines = range(len(self.pgys))
        self.total = sum(self.weeks.values())
        self.clinical = self.total - self.rules.leave_weeks
        self.fte = plan.fte_percent
        self.specialties = specialty_groups(plan.catalogue.rotations, "specialty")
        self.subspecialties = specialty_groups(plan.catalogue.rotations, "subspecialty")
        self.service = list(self.rot.index[self.rot.service])
        self.team = list(self.rot.index[self.rot.clinical_team])
        self.six_ok = list(self.rot.index[self.rot.six_month])

    def terms_in(self, li: int, group: list[str]) -> cp_model.LinearExpr:
        """Number of terms line `li` spends in the rotations of `group`."""
        return sum(self.y[li, t, r] for t in self.terms for r in group)

    def load(self, t: int, r: str) -> cp_model.LinearExpr:
        """FTE x 100 in rotation `r` in term `t`."""
        return sum(self.fte[li] * self.y[li, t, r] for li in self.lines)


def _week_share(
    ctx: RuleContext, li: int, group: list[str], pct: int, upper: bool, lit: cp_model.IntVar, k: int
) -> None:
    """100 * (clinical weeks of line `li` in `group`) <= pct * clinical (upper) or >= (lower); `k`:
    the most terms the line can spend in `group` (a cap no line can break is left out)."""
    m, w, terms, big = ctx.m, ctx.weeks, ctx.terms, ctx.rules.leave_weeks
    limit = pct * ctx.clinical
    if upper and 100 * _largest_sum([w[t] for t in terms], k) <= limit:
        return
    if not upper and 100 * (ctx.total - big) >= limit and len(group) == len(ctx.rids):
        return
    parts = []
    for t in terms:
        x = sum(ctx.y[li, t, r] for r in group)
        p = m.NewIntVar(0, big, "")  # the leave weeks inside `group` in term t, exact in `upper`'s direction
        if upper:
            m.Add(p <= ctx.leave[li, t])
            m.Add(p <= big * x)
        else:
            m.Add(p >= ctx.leave[li, t] - big * (1 - x))
        parts.append(w[t] * x - p)
    expr = 100 * sum(parts)
    if upper:
        m.Add(expr <= limit).OnlyEnforceIf(lit)
    else:
        m.Add(expr >= limit).OnlyEnforceIf(lit)


def post_program_length(ctx: RuleContext) -> None:
    """AMC1: a constant check on the template (FTE does not stretch the year)."""
    if ctx.clinical < ctx.rules.clinical_weeks_min:
        ctx.m.AddBoolOr([ctx.lits["program_length"].Not()])


def post_leave(ctx: RuleContext, li: int) -> None:
    """The leave blocks of line `li`: one full block, or a split whose starts are far enough apart."""
    m, rules, terms, w, lit = ctx.m, ctx.rules, ctx.terms, ctx.weeks, ctx.lits["leave"]
    full = {t: m.NewBoolVar(f"leave_{li}_{t}") for t in terms if w[t] >= rules.leave_weeks}
    if rules.leave_split:
        a, b = rules.leave_split
        part_a = {t: m.NewBoolVar(f"leave_a_{li}_{t}") for t in terms if w[t] >= a}
        part_b = {t: m.NewBoolVar(f"leave_b_{li}_{t}") for t in terms if w[t] >= b}
        m.Add(sum(part_a.values()) == sum(part_b.values())).OnlyEnforceIf(lit)
        m.Add(sum(full.values()) + sum(part_a.values()) == 1).OnlyEnforceIf(lit)
        for t in terms:
            m.Add(full.get(t, 0) + part_a.get(t, 0) + part_b.get(t, 0) <= 1)
        for ta, tb in ((ta, tb) for ta in part_a for tb in part_b):
            if ta != tb and abs(ctx.starts[ta] - ctx.starts[tb]) < rules.leave_split_gap:
                m.AddBoolOr([part_a[ta].Not(), part_b[tb].Not()]).OnlyEnforceIf(lit)
    else:
        a = b = 0
        part_a, part_b = {}, {}
        m.Add(sum(full.values()) == 1).OnlyEnforceIf(lit)
    for t in terms:
        blocks = [(rules.leave_weeks, full.get(t)), (a, part_a.get(t)), (b, part_b.get(t))]
        ctx.leave_blocks[li, t] = [(k, v) for k, v in blocks if v is not None]
        ctx.leave[li, t] = sum(k * v for k, v in ctx.leave_blocks[li, t])


def post_no_repeat(ctx: RuleContext, li: int) -> None:
    """No rotation twice, except one PGY2 6-month rotation: an eligible rotation in two consecutive
    terms (its flags are created here)."""
    m, terms, y = ctx.m, ctx.terms, ctx.y
    if ctx.pgys[li] != 1:
        for i, t in enumerate(terms[:-1]):
            for r in ctx.six_ok:
                s = ctx.six[li, t, r] = m.NewBoolVar(f"six_{li}_{t}_{r}")
                m.AddImplication(s, y[li, t, r])
                m.AddImplication(s, y[li, terms[i + 1], r])
        m.Add(sum(v for (lj, _, _), v in ctx.six.items() if lj == li) <= 1)
    for r in ctx.rids:
        extra = sum(ctx.six.get((li, t, r), 0) for t in terms)
        m.Add(sum(y[li, t, r] for t in terms) <= 1 + extra).OnlyEnforceIf(ctx.lits["no_repeat"])


def post_specialty_cap(ctx: RuleContext, li: int) -> None:
    """AMC4 (PGY1 only): at most `pgy1_specialty_max` % of clinical weeks in one specialty."""
    if ctx.pgys[li] != 1:
        return
    for group in ctx.specialties.values():
        k = min(len(ctx.terms), len(group))
        _week_share(ctx, li, group, ctx.rules.pgy1_specialty_max, True, ctx.lits["specialty_cap"], k)


def post_subspecialty_cap(ctx: RuleContext, li: int) -> None:
    """AMC5: at most `subspecialty_max` % in one subspecialty (PGY2 with a 6-month rotation: more)."""
    rules = ctx.rules
    for group in ctx.subspecialties.values():
        has_six = ctx.pgys[li] != 1 and any(r in ctx.six_ok for r in group)
        pct = rules.six_month_subspecialty_max if has_six else rules.subspecialty_max
        k = min(len(ctx.terms), len(group) + (1 if has_six else 0))
        _week_share(ctx, li, group, pct, True, ctx.lits["subspecialty_cap"], k)


def post_service_cap(ctx: RuleContext, li: int) -> None:
    """AMC6: service terms at most `pgy1_service_max` / `pgy2_service_max` %."""
    cap = ctx.rules.pgy1_service_max if ctx.pgys[li] == 1 else ctx.rules.pgy2_service_max
    k = min(len(ctx.terms), len(ctx.service))
    _week_share(ctx, li, ctx.service, cap, True, ctx.lits["service_cap"], k)


def post_clinical_team(ctx: RuleContext, li: int) -> None:
    """AMC7: at least `clinical_team_min` % in clinical-team rotations."""
    lit = ctx.lits["clinical_team"]
    _week_share(ctx, li, ctx.team, ctx.rules.clinical_team_min, False, lit, len(ctx.terms))


def post_categories(ctx: RuleContext, li: int) -> None:
    """AMC8: every clinical-experience category of the year covered."""
    cats = ctx.rules.pgy1_categories if ctx.pgys[li] == 1 else ctx.rules.pgy2_categories
    for cat in cats:
        having = [r for r in ctx.rids if cat in ctx.rot.at[r, "categories"].split(";")]
        ctx.m.Add(ctx.terms_in(li, having) >= 1).OnlyEnforceIf(ctx.lits["categories"])


def post_distinct_specialties(ctx: RuleContext, li: int) -> None:
    """AMC3 (PGY1): at least `pgy1_min_specialties` specialties; the exact presence flags are made
    for every line."""
    m, h = ctx.m, ctx.has_specialty
    for s, group in ctx.specialties.items():
        h[li, s] = m.NewBoolVar("")
        count = ctx.terms_in(li, group)
        m.Add(h[li, s] <= count)
        m.Add(len(ctx.terms) * h[li, s] >= count)
    if ctx.pgys[li] == 1:
        present = sum(h[li, s] for s in ctx.specialties)
        m.Add(present >= ctx.rules.pgy1_min_specialties).OnlyEnforceIf(ctx.lits["distinct_specialties"])


def post_distinct_subspecialties(ctx: RuleContext, li: int) -> None:
    """AMC3 (PGY2): between `pgy2_min_subspecialties` and `pgy2_max_subspecialties` subspecialties."""
    if ctx.pgys[li] == 1:
        return
    m, lit = ctx.m, ctx.lits["distinct_subspecialties"]
    g = []
    for group in ctx.subspecialties.values():
        v = m.NewBoolVar("")
        count = ctx.terms_in(li, group)
        m.Add(v <= count)
        m.Add(len(ctx.terms) * v >= count)
        g.append(v)
    m.Add(sum(g) >= ctx.rules.pgy2_min_subspecialties).OnlyEnforceIf(lit)
    m.Add(sum(g) <= ctx.rules.pgy2_max_subspecialties).OnlyEnforceIf(lit)


def post_rural(ctx: RuleContext, li: int) -> None:
    """At most `rural_max_terms` rural terms per line."""
    rural = [r for r in ctx.rids if ctx.rot.at[r, "rural"]]
    ctx.m.Add(ctx.terms_in(li, rural) <= ctx.rules.rural_max_terms).OnlyEnforceIf(ctx.lits["rural"])


def post_relief_nights(ctx: RuleContext, li: int) -> None:
    """At most `relief_nights_max_terms` relief or nights terms per line."""
    relief = [r for r in ctx.rids if ctx.rot.at[r, "relief_nights"]]
    limit = ctx.rules.relief_nights_max_terms
    ctx.m.Add(ctx.terms_in(li, relief) <= limit).OnlyEnforceIf(ctx.lits["relief_nights"])


def post_capacity(ctx: RuleContext, t: int, r: str) -> None:
    """FTE in rotation `r` in term `t` at most its capacity (FTE-weighted, x 100)."""
    cap = ctx.plan.catalogue.capacity[r, t]
    ctx.m.Add(ctx.load(t, r) <= 100 * cap).OnlyEnforceIf(ctx.lits["capacity"])


def post_min_staffing(ctx: RuleContext, t: int, r: str) -> None:
    """FTE in rotation `r` in term `t` at least its minimum staffing; with `allow_drops` an excludable
    rotation's minimum may be dropped at a cost of 1000 + popularity."""
    low = ctx.plan.catalogue.min_staffing[r, t]
    if low <= 0:
        return
    enforce = [ctx.lits["min_staffing"]]
    if ctx.allow_drops and bool(ctx.rot.at[r, "excludable"]):
        d = ctx.drops[r, t] = ctx.m.NewBoolVar(f"drop_{r}_{t}")
        enforce.append(d.Not())
        ctx.drop_cost.append((1000 + int(ctx.rot.at[r, "popularity"])) * d)
    ctx.m.Add(ctx.load(t, r) >= 100 * low).OnlyEnforceIf(enforce)


# The posters by scope, in the order `post_rules` applies them.
TEMPLATE_POSTERS: dict[str, Callable[[RuleContext], None]] = {"program_length": post_program_length}
LEAVE_POSTERS: dict[str, Callable[[RuleContext, int], None]] = {"leave": post_leave}  # read by the caps
LINE_POSTERS: dict[str, Callable[[RuleContext, int], None]] = {
    "no_repeat": post_no_repeat,
    "specialty_cap": post_specialty_cap,
    "subspecialty_cap": post_subspecialty_cap,
    "service_cap": post_service_cap,
    "clinical_team": post_clinical_team,
    "categories": post_categories,
    "distinct_specialties": post_distinct_specialties,
    "distinct_subspecialties": post_distinct_subspecialties,
    "rural": post_rural,
    "relief_nights": post_relief_nights,
}
TERM_POSTERS: dict[str, Callable[[RuleContext, int, str], None]] = {
    "capacity": post_capacity,
    "min_staffing": post_min_staffing,
}
# Rule group -> poster: exactly the groups of RULE_GROUPS.
POSTERS: dict[str, Callable[..., None]] = {
    **TEMPLATE_POSTERS,
    **LEAVE_POSTERS,
    **LINE_POSTERS,
    **TERM_POSTERS,
}


def post_rules(ctx: RuleContext) -> None:
    """Every rule group: the template, every line's leave, the per-line rules line by line, then the
    per-(term, rotation) rules (this order fixes the CP-SAT model)."""
    for post_template in TEMPLATE_POSTERS.values():
        post_template(ctx)
    for posters in (LEAVE_POSTERS, LINE_POSTERS):  # every line's leave first: the caps read it
        for li in ctx.lines:
            for post_line in posters.values():
                post_line(ctx, li)
    for t in ctx.terms:
        for r in ctx.rids:
            for post_term in TERM_POSTERS.values():
                post_term(ctx, t, r)
