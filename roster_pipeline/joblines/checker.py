"""Independent AMC compliance checker for job lines.

Works only from the lines table (one row per line and term), the catalogue frame and the rule limits.
It shares no code with the CP-SAT model in `solve.py`: every rule is recomputed here with pandas.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

COLUMNS = ["rule", "line_id", "rotation_id", "term", "value", "limit", "ok"]


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


def _leave_ok(line: pd.DataFrame, rules: Any) -> tuple[bool, str]:
    blocks = line[line.leave_weeks > 0].sort_values("term")
    sizes = sorted(blocks.leave_weeks.tolist())
    if sizes == [rules.leave_weeks]:
        return True, f"{rules.leave_weeks} in term {int(blocks.term.iloc[0])}"
    if rules.leave_split and sizes == sorted(rules.leave_split):
        starts = line.sort_values("term").term_weeks.cumsum() - line.sort_values("term").term_weeks
        start = dict(zip(line.sort_values("term").term, starts, strict=True))
        gap = abs(start[int(blocks.term.iloc[1])] - start[int(blocks.term.iloc[0])])
        return gap >= rules.leave_split_gap, f"split {sizes}, {gap} weeks apart"
    return False, f"blocks {sizes}"


def check_line(line: pd.DataFrame, catalogue: pd.DataFrame, rules: Any) -> list[dict]:
    """Every per-line AMC rule for one line: value against limit."""
    lid = str(line.line_id.iloc[0])
    pgy = int(line.pgy.iloc[0])
    rot = catalogue.set_index("rotation_id")
    rows: list[dict] = []
    clinical = int(line.term_weeks.sum() - line.leave_weeks.sum())
    weeks = line.term_weeks - line.leave_weeks
    info = rot.loc[line.rotation_id]

    def pct(mask: pd.Series) -> float:
        return round(100.0 * float(weeks[mask.to_numpy()].sum()) / clinical, 2)

    rows.append(
        _row(
            "AMC1 clinical weeks",
            clinical,
            f">= {rules.clinical_weeks_min}",
            clinical >= rules.clinical_weeks_min,
            lid,
        )
    )
    ok, text = _leave_ok(line, rules)
    rows.append(_row("annual leave", text, f"{rules.leave_weeks} weeks, one block or split", ok, lid))
    terms = line.term.tolist()
    rows.append(
        _row("one rotation per term", len(terms), "each term once", len(terms) == len(set(terms)), lid)
    )
    six_subs = set(rot.subspecialty[rot.six_month])
    if pgy == 1:
        for spec in sorted(set(info.specialty)):
            value = pct(info.specialty == spec)
            rows.append(
                _row(
                    f"AMC4 specialty {spec}",
                    value,
                    f"<= {rules.pgy1_specialty_max}%",
                    value <= rules.pgy1_specialty_max,
                    lid,
                )
            )
    for sub in sorted(set(info.subspecialty)):
        value = pct(info.subspecialty == sub)
        limit = rules.six_month_subspecialty_max if pgy == 2 and sub in six_subs else rules.subspecialty_max
        rows.append(_row(f"AMC5 subspecialty {sub}", value, f"<= {limit}%", value <= limit, lid))
    service_max = rules.pgy1_service_max if pgy == 1 else rules.pgy2_service_max
    value = pct(info.service)
    rows.append(_row("AMC6 service terms", value, f"<= {service_max}%", value <= service_max, lid))
    value = pct(info.clinical_team)
    rows.append(
        _row(
            "AMC7 clinical team",
            value,
            f">= {rules.clinical_team_min}%",
            value >= rules.clinical_team_min,
            lid,
        )
    )
    needed = rules.pgy1_categories if pgy == 1 else rules.pgy2_categories
    have = {c for cats in info.categories for c in cats.split(";")}
    missing = "".join(c for c in needed if c not in have)
    rows.append(_row("AMC8 categories", "".join(sorted(have)), f"covers {needed}", not missing, lid))
    if pgy == 1:
        n = info.specialty.nunique()
        rows.append(
            _row(
                "AMC3 specialties",
                n,
                f">= {rules.pgy1_min_specialties}",
                n >= rules.pgy1_min_specialties,
                lid,
            )
        )
    else:
        n = info.subspecialty.nunique()
        rows.append(
            _row(
                "AMC3 subspecialties",
                n,
                f"{rules.pgy2_min_subspecialties}-{rules.pgy2_max_subspecialties}",
                rules.pgy2_min_subspecialties <= n <= rules.pgy2_max_subspecialties,
                lid,
            )
        )
    ordered = line.sort_values("term")
    seq = ordered.rotation_id.tolist()
    repeats = {r: [i for i, s in enumerate(seq) if s == r] for r in set(seq) if seq.count(r) > 1}
    ok = True
    if repeats:
        ok = (
            pgy == 2
            and len(repeats) == 1
            and all(
                len(ix) == 2 and ix[1] == ix[0] + 1 and bool(rot.at[r, "six_month"])
                for r, ix in repeats.items()
            )
        )
    rows.append(_row("no repeat (6-month PGY2 only)", str(sorted(repeats)), "no repeats", ok, lid))
    n = int(info.rural.sum())
    rows.append(_row("rural terms", n, f"<= {rules.rural_max_terms}", n <= rules.rural_max_terms, lid))
    n = int(info.relief_nights.sum())
    rows.append(
        _row(
            "relief or nights terms",
            n,
            f"<= {rules.relief_nights_max_terms}",
            n <= rules.relief_nights_max_terms,
            lid,
        )
    )
    return rows


def check_capacity(
    lines: pd.DataFrame,
    capacity: dict[tuple[str, int], int],
    min_staffing: dict[tuple[str, int], int],
    excused: set[tuple[str, int]] | None = None,
) -> list[dict]:
    """FTE on each rotation and term against capacity and minimum staffing (`excused`: dropped)."""
    excused = excused or set()
    load = lines.groupby(["rotation_id", "term"]).fte.sum().to_dict()
    rows = []
    for (r, t), cap in sorted(capacity.items()):
        value = round(float(load.get((r, t), 0.0)), 2)
        rows.append(_row("capacity", value, f"<= {cap}", value <= cap + 1e-9, rotation=r, term=t))
        low = min_staffing.get((r, t), 0)
        if low and (r, t) not in excused:
            rows.append(_row("minimum staffing", value, f">= {low}", value >= low - 1e-9, rotation=r, term=t))
    return rows


def check(
    lines: pd.DataFrame,
    catalogue: pd.DataFrame,
    rules: Any,
    capacity: dict[tuple[str, int], int] | None = None,
    min_staffing: dict[tuple[str, int], int] | None = None,
    excused: set[tuple[str, int]] | None = None,
) -> pd.DataFrame:
    """The compliance report: one row per rule and line (or rotation and term)."""
    rows: list[dict] = []
    for _, line in lines.groupby("line_id", sort=True):
        rows.extend(check_line(line, catalogue, rules))
    if capacity is not None:
        rows.extend(check_capacity(lines, capacity, min_staffing or {}, excused))
    report = pd.DataFrame(rows, columns=COLUMNS)
    report["value"] = report["value"].astype(str)
    return report


def violations(report: pd.DataFrame) -> pd.DataFrame:
    """The failing rows of a report."""
    return report[~report.ok]
