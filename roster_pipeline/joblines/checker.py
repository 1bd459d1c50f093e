"""Independent AMC compliance checker for job lines.

It reads only the request's inputs (the cohort, the term template, the rotation catalogue and its
capacity overrides, the rule limits) and the solver's decisions in the lines table (`line_id`, `term`,
`rotation_id`, `leave_weeks`). Every other column (PGY year, FTE, term weeks, specialty, capacity) is
recomputed here with pandas; nothing is shared with the CP-SAT model, its rules or its objective.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

COLUMNS = ["rule", "line_id", "rotation_id", "term", "value", "limit", "ok"]
DECISIONS = ("line_id", "term", "rotation_id", "leave_weeks")
DERIVED = ("pgy", "fte", "term_weeks", "specialty", "subspecialty", "clinical_weeks")
FLAGS = ("service", "clinical_team", "rural", "relief_nights", "six_month")


@dataclass(frozen=True)
class CheckInputs:
    """The request's inputs as given: `cohort` (line_id, pgy, fte), `weeks` (term -> weeks), the
    catalogue `rotations`, per-term `overrides` (rotation_id, term, capacity, min_staffing) and the
    rule limits (any object with the `JoblineRules` attributes)."""

    cohort: pd.DataFrame
    weeks: dict[int, int]
    rotations: pd.DataFrame
    rules: Any
    overrides: pd.DataFrame | None = None

    @classmethod
    def from_plan(cls, plan: Any, overrides: pd.DataFrame | None = None) -> CheckInputs:
        """The inputs a plan was built from (its cohort, template weeks and catalogue frame)."""
        return cls(plan.cohort, dict(plan.weeks), plan.catalogue.rotations, plan.rules, overrides)


def _row(
    rule: str, value: Any, limit: str, ok: bool, line: str = "", rotation: str = "", term: int = 0
) -> dict:
    return {
        "rule": rule,
        "line_id": line,
        "rotation_id": rotation,
        "term": term,
        "value": value,
        "limit": limit,
        "ok": bool(ok),
    }


def _truth(value: Any) -> bool:
    """A catalogue flag as written (bool, 0/1 or the words true/false)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def catalogue_table(rotations: pd.DataFrame) -> pd.DataFrame:
    """The catalogue indexed by rotation, flags as booleans, categories as sets."""
    table = rotations.copy()
    table["rotation_id"] = table.rotation_id.astype(str)
    for flag in FLAGS:
        table[flag] = table[flag].map(_truth)
    table["category_set"] = table.categories.astype(str).map(lambda v: set(v.split(";")))
    return table.set_index("rotation_id")


def limits(inputs: CheckInputs) -> tuple[dict[tuple[str, int], float], dict[tuple[str, int], float]]:
    """Capacity and minimum staffing per (rotation, term): the catalogue's, then the overrides'."""
    cap: dict[tuple[str, int], float] = {}
    low: dict[tuple[str, int], float] = {}
    for row in inputs.rotations.itertuples(index=False):
        for t in inputs.weeks:
            cap[str(row.rotation_id), int(t)] = float(row.capacity)
            low[str(row.rotation_id), int(t)] = float(row.min_staffing)
    if inputs.overrides is not None:
        for row in inputs.overrides.to_dict("records"):
            key = (str(row["rotation_id"]), int(row["term"]))
            if pd.notna(row.get("capacity")):
                cap[key] = float(row["capacity"])
            if pd.notna(row.get("min_staffing")):
                low[key] = float(row["min_staffing"])
    return cap, low


def recompute(lines: pd.DataFrame, inputs: CheckInputs) -> pd.DataFrame:
    """The solver's decisions with every other column recomputed from the inputs (known lines,
    terms and rotations only; `check_complete` reports the rest)."""
    cohort = inputs.cohort.assign(line_id=inputs.cohort.line_id.astype(str)).set_index("line_id")
    rot = catalogue_table(inputs.rotations)
    frame = lines.loc[:, list(DECISIONS)].copy()
    frame["line_id"] = frame.line_id.astype(str)
    frame["term"] = frame.term.astype(int)
    frame["leave_weeks"] = frame.leave_weeks.astype(int)
    known = (
        frame.line_id.isin(cohort.index) & frame.term.isin(inputs.weeks) & frame.rotation_id.isin(rot.index)
    )
    frame = frame[known].reset_index(drop=True)
    frame["pgy"] = frame.line_id.map(cohort.pgy).astype(int)
    frame["fte"] = frame.line_id.map(cohort.fte).astype(float)
    frame["term_weeks"] = frame.term.map(inputs.weeks).astype(int)
    frame["clinical_weeks"] = frame.term_weeks - frame.leave_weeks
    for column in ("specialty", "subspecialty", "popularity", *FLAGS, "category_set"):
        frame[column] = frame.rotation_id.map(rot[column])
    return frame


def check_complete(lines: pd.DataFrame, inputs: CheckInputs) -> list[dict]:
    """Every cohort line has exactly one known rotation in every template term, and nothing else."""
    rows: list[dict] = []
    known_rotations = set(inputs.rotations.rotation_id.astype(str))
    ids = lines.line_id.astype(str)
    terms = lines.term.astype(int)
    for lid in inputs.cohort.line_id.astype(str):
        placed = terms[ids == lid].value_counts().to_dict()
        for t in inputs.weeks:
            n = int(placed.get(int(t), 0))
            rows.append(_row("one placement per term", n, "exactly 1", n == 1, lid, term=int(t)))
    strangers = sorted(set(ids) - set(inputs.cohort.line_id.astype(str)))
    rows.append(_row("lines of the cohort", ",".join(strangers), "no other line", not strangers))
    extra = sorted({int(t) for t in terms} - {int(t) for t in inputs.weeks})
    rows.append(_row("terms of the template", str(extra), "no other term", not extra))
    unknown = sorted(set(lines.rotation_id.astype(str)) - known_rotations)
    rows.append(_row("rotations of the catalogue", ",".join(unknown), "no other rotation", not unknown))
    return rows


def check_columns(lines: pd.DataFrame, recomputed: pd.DataFrame) -> list[dict]:
    """The lines table's own derived columns agree with the recomputed ones (where it has them)."""
    rows: list[dict] = []
    given = lines.assign(line_id=lines.line_id.astype(str), term=lines.term.astype(int))
    merged = recomputed.merge(given, on=["line_id", "term"], suffixes=("", "_given"))
    for column in DERIVED:
        if column not in lines.columns:
            continue
        differ = merged[merged[column].astype(str) != merged[f"{column}_given"].astype(str)]
        if column == "fte":
            differ = merged[(merged.fte - merged.fte_given.astype(float)).abs() > 1e-9]
        rows.append(_row(f"column {column}", len(differ), "0 rows differ from the inputs", differ.empty))
    return rows


def _leave_ok(line: pd.DataFrame, rules: Any) -> tuple[bool, str]:
    ordered = line.sort_values("term")
    if ((ordered.leave_weeks < 0) | (ordered.leave_weeks > ordered.term_weeks)).any():
        return False, f"leave {ordered.leave_weeks.tolist()} outside its terms"
    blocks = ordered[ordered.leave_weeks > 0]
    sizes = sorted(blocks.leave_weeks.tolist())
    if sizes == [rules.leave_weeks]:
        return True, f"{rules.leave_weeks} in term {int(blocks.term.iloc[0])}"
    if rules.leave_split and sizes == sorted(rules.leave_split):
        start = dict(zip(ordered.term, ordered.term_weeks.cumsum() - ordered.term_weeks, strict=True))
        gap = abs(start[int(blocks.term.iloc[1])] - start[int(blocks.term.iloc[0])])
        return gap >= rules.leave_split_gap, f"split {sizes}, {gap} weeks apart"
    return False, f"blocks {sizes}"


def _pct(line: pd.DataFrame, mask: pd.Series, clinical: int) -> float:
    return round(100.0 * float(line.clinical_weeks[mask].sum()) / max(clinical, 1), 2)


def _caps(line: pd.DataFrame, six_subs: set[str], rules: Any, lid: str, pgy: int) -> list[dict]:
    """AMC4 (PGY1 specialty), AMC5 (subspecialty), AMC6 (service) and AMC7 (clinical team)."""
    rows: list[dict] = []
    clinical = int(line.clinical_weeks.sum())
    if pgy == 1:
        for spec in sorted(set(line.specialty)):
            value = _pct(line, line.specialty == spec, clinical)
            limit = rules.pgy1_specialty_max
            rows.append(_row(f"AMC4 specialty {spec}", value, f"<= {limit}%", value <= limit, lid))
    for sub in sorted(set(line.subspecialty)):
        value = _pct(line, line.subspecialty == sub, clinical)
        limit = rules.six_month_subspecialty_max if pgy == 2 and sub in six_subs else rules.subspecialty_max
        rows.append(_row(f"AMC5 subspecialty {sub}", value, f"<= {limit}%", value <= limit, lid))
    service_max = rules.pgy1_service_max if pgy == 1 else rules.pgy2_service_max
    value = _pct(line, line.service.astype(bool), clinical)
    rows.append(_row("AMC6 service terms", value, f"<= {service_max}%", value <= service_max, lid))
    value = _pct(line, line.clinical_team.astype(bool), clinical)
    low = rules.clinical_team_min
    rows.append(_row("AMC7 clinical team", value, f">= {low}%", value >= low, lid))
    return rows


def _repeats_ok(line: pd.DataFrame, pgy: int) -> tuple[bool, str]:
    """No rotation twice, except one PGY2 six-month rotation in two consecutive terms."""
    ordered = line.sort_values("term")
    seq = ordered.rotation_id.tolist()
    six = dict(zip(ordered.rotation_id, ordered.six_month, strict=False))
    repeats = {r: [i for i, s in enumerate(seq) if s == r] for r in set(seq) if seq.count(r) > 1}
    ok = not repeats or (
        pgy == 2
        and len(repeats) == 1
        and all(len(ix) == 2 and ix[1] == ix[0] + 1 and bool(six[r]) for r, ix in repeats.items())
    )
    return ok, str(sorted(repeats))


def check_line(line: pd.DataFrame, six_subs: set[str], rules: Any) -> list[dict]:
    """Every per-line AMC rule for one recomputed line: value against limit."""
    lid = str(line.line_id.iloc[0])
    pgy = int(line.pgy.iloc[0])
    clinical = int(line.clinical_weeks.sum())
    low = rules.clinical_weeks_min
    rows = [_row("AMC1 clinical weeks", clinical, f">= {low}", clinical >= low, lid)]
    ok, text = _leave_ok(line, rules)
    rows.append(_row("annual leave", text, f"{rules.leave_weeks} weeks, one block or split", ok, lid))
    rows.extend(_caps(line, six_subs, rules, lid, pgy))
    needed = rules.pgy1_categories if pgy == 1 else rules.pgy2_categories
    have = set().union(*line.category_set)
    missing = "".join(c for c in needed if c not in have)
    rows.append(_row("AMC8 categories", "".join(sorted(have)), f"covers {needed}", not missing, lid))
    if pgy == 1:
        n = line.specialty.nunique()
        low = rules.pgy1_min_specialties
        rows.append(_row("AMC3 specialties", n, f">= {low}", n >= low, lid))
    else:
        n = line.subspecialty.nunique()
        lo, hi = rules.pgy2_min_subspecialties, rules.pgy2_max_subspecialties
        rows.append(_row("AMC3 subspecialties", n, f"{lo}-{hi}", lo <= n <= hi, lid))
    ok, text = _repeats_ok(line, pgy)
    rows.append(_row("no repeat (6-month PGY2 only)", text, "no repeats", ok, lid))
    n = int(line.rural.astype(bool).sum())
    rows.append(_row("rural terms", n, f"<= {rules.rural_max_terms}", n <= rules.rural_max_terms, lid))
    n = int(line.relief_nights.astype(bool).sum())
    top = rules.relief_nights_max_terms
    rows.append(_row("relief or nights terms", n, f"<= {top}", n <= top, lid))
    return rows


def check_capacity(
    recomputed: pd.DataFrame, inputs: CheckInputs, excused: set[tuple[str, int]] | None = None
) -> list[dict]:
    """Cohort FTE on each rotation and term against capacity and minimum staffing (`excused`: the
    minimums the fallback dropped)."""
    excused = excused or set()
    cap, low = limits(inputs)
    load = recomputed.groupby(["rotation_id", "term"]).fte.sum().to_dict()
    rows = []
    for (r, t), top in sorted(cap.items()):
        value = round(float(load.get((r, t), 0.0)), 2)
        rows.append(_row("capacity", value, f"<= {top:g}", value <= top + 1e-9, rotation=r, term=t))
        least = low.get((r, t), 0.0)
        if least and (r, t) not in excused:
            ok = value >= least - 1e-9
            rows.append(_row("minimum staffing", value, f">= {least:g}", ok, rotation=r, term=t))
    return rows


def check(
    lines: pd.DataFrame, inputs: CheckInputs, excused: set[tuple[str, int]] | None = None
) -> pd.DataFrame:
    """The compliance report: one row per rule and line (or rotation and term)."""
    rows = check_complete(lines, inputs)
    recomputed = recompute(lines, inputs)
    rows.extend(check_columns(lines, recomputed))
    rot = catalogue_table(inputs.rotations)
    six_subs = set(rot.subspecialty[rot.six_month])
    for _, line in recomputed.groupby("line_id", sort=True):
        rows.extend(check_line(line, six_subs, inputs.rules))
    rows.extend(check_capacity(recomputed, inputs, excused))
    report = pd.DataFrame(rows, columns=COLUMNS)
    report["value"] = report["value"].astype(str)
    return report


def violations(report: pd.DataFrame) -> pd.DataFrame:
    """The failing rows of a report."""
    return report[~report.ok]
