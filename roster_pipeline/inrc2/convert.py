"""INRC-II onto the engine: one week's department tables and rule pack (the solving side).

The mapping (docs/inrc2.md has the whole table):

- a nurse is a registrar (fte 1, one site, grade = contract name, skills = her skills);
- an INRC-II assignment is a (shift type, skill) pair and covers one skill, so every pair is an
  engine shift type `<shift>.<skill>` requiring that skill: cover is counted per skill exactly, and a
  nurse works at most one pair a day (H1, structural; H4, eligibility);
- INRC-II shifts have no times: every shift is 08:00-18:00 (10 h; no rest rule is posted, so times
  create no conflict). The engine's `kind` is a fixed vocabulary (day, evening, night, ...), so rules
  over "the same shift type" select the pair codes of that shift (`shifts: [Early.HeadNurse, ...]`);
- H2 minimum cover: hard `cover_limits`; S1 optimal cover: `cover_target` (30 per missing nurse);
- H3: hard `forbidden_succession` per shift type;
- S2: `max_consecutive_days` and `run_shortfall` per contract (30 per day), `max_consecutive_kind`
  and `run_shortfall` with the shift's codes per shift type (15 per day); S3: `max_consecutive_days_off`
  and `run_shortfall` with `off` (30 per day); S4: `preferences` (`day_off`, or `avoid` one row per
  code of the shift type, weight 10); S5: `complete_weekends` (30);
- S6 and S7 are judged once, at the end of the horizon, and the weekly solve sees one week: each week
  gets a pro-rata share of what remains (`total_minutes`: 2 per hour = 20 per 10-hour shift;
  `weekend_limit` max 0 priced by the share of remaining weekends that must be off).

The history counters of the initial history become history rows before the first week: the runs
they describe, each closed by a known day before it, so the engine judges the runs that continue
into the first week exactly as the competition does (Appendix B of the paper).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from data_contracts import validate_department
from roster_pipeline.core.rules import RulePack, parse_pack
from roster_pipeline.inrc2.scenario import History, Scenario, Week

START = dt.date(2024, 1, 1)  # a Monday: the first day of the first week
SITE = "INRC2"
SHIFT_MINUTES = 600  # 08:00-18:00 for every shift
SHIFT_START, SHIFT_END = "08:00", "18:00"
LONGEST_HISTORY_RUN = 12  # history rows reach back 14 days (planning/weekly.HISTORY_DAYS)

# Weights of the paper's Section 2.5.
COVER_WEIGHT = 30  # S1, per missing nurse
SAME_SHIFT_WEIGHT = 15  # S2, per day above or below a shift type's limits
WORK_RUN_WEIGHT = 30  # S2, per day above or below the contract's limits
OFF_RUN_WEIGHT = 30  # S3
REQUEST_WEIGHT = 10  # S4
COMPLETE_WEEKEND_WEIGHT = 30  # S5
TOTAL_WEIGHT = 20  # S6, per assignment
WEEKEND_WEIGHT = 30  # S7, per working weekend


def code(shift: str, skill: str) -> str:
    """The engine shift type of an INRC-II (shift type, skill) assignment."""
    return f"{shift}.{skill}"


def codes_of(scenario: Scenario, shift: str) -> list[str]:
    """Every engine code of one INRC-II shift type."""
    return [code(shift, skill) for skill in scenario.skills]


def pairs(scenario: Scenario) -> dict[str, tuple[str, str]]:
    """Engine code -> (shift type, skill)."""
    return {code(s.name, k): (s.name, k) for s in scenario.shifts for k in scenario.skills}


def _kind(shift: str) -> str:
    """A kind from the engine's vocabulary, for display only (no rule selects by kind here)."""
    name = shift.lower()
    return "night" if "night" in name else "evening" if "late" in name or "even" in name else "day"


def _day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def history_rows(scenario: Scenario, history: History) -> list[dict]:
    """History rows before the first Monday that reproduce each nurse's counters.

    Last shift s with c days of s in a k-day working run: days -c..-1 work s, days -k..-(c+1) another
    shift type, day -(k+1) off and day -(k+2) worked (so that the day off is a known day). A day off
    with k days off: days -k..-1 off, day -(k+1) worked. Runs longer than 12 days are cut to 12 (the
    weekly pipeline keeps 14 days of history); no given history comes near.
    """
    rows = []
    for nurse in scenario.nurses:
        state = history.nurses[nurse.name]
        skill = nurse.skills[0]
        last = state.last_shift
        other = next((s.name for s in scenario.shifts if s.name != last), scenario.shifts[0].name)
        if last is None:
            off = min(max(state.off_run, 1), LONGEST_HISTORY_RUN)
            worked = {-(off + 1): other}
        else:
            run = min(state.work_run, LONGEST_HISTORY_RUN)
            same = min(state.same_shift_run, run)
            worked = {-d: (last if d <= same else other) for d in range(1, run + 1)}
            worked[-(run + 2)] = other
        rows += [
            {"registrar_id": nurse.name, "date": _day(d), "shift": code(s, skill)}
            for d, s in sorted(worked.items())
        ]
    return rows


def base_tables(scenario: Scenario, history: History) -> dict[str, pd.DataFrame]:
    """Registrars, shift types and the initial history rows (the same every week)."""
    registrars = [
        {
            "registrar_id": n.name,
            "name": n.name,
            "grade": n.contract,
            "home_site": SITE,
            "sites": SITE,
            "skills": "|".join(n.skills),
            "fte": 1.0,
        }
        for n in scenario.nurses
    ]
    shift_types = [
        {
            "code": code(s.name, k),
            "site": SITE,
            "start": SHIFT_START,
            "end": SHIFT_END,
            "kind": _kind(s.name),
            "skills": k,
        }
        for s in scenario.shifts
        for k in scenario.skills
    ]
    return {
        "registrars": pd.DataFrame(registrars),
        "shift_types": pd.DataFrame(shift_types),
        "history": pd.DataFrame(history_rows(scenario, history), columns=["registrar_id", "date", "shift"]),
    }


def week_tables(
    scenario: Scenario, base: dict[str, pd.DataFrame], week: Week, week_start: dt.date
) -> dict[str, pd.DataFrame]:
    """The department tables of one week: the base tables, the week's cover and shift-off requests,
    checked by the department data contracts."""
    heads = len(scenario.nurses)
    cover = [
        {
            "date": week_start + dt.timedelta(days=d),
            "site": SITE,
            "shift": code(r.shift, r.skill),
            "min": r.minimum[d],
            "target": max(r.minimum[d], r.optimal[d]),
            "max": max(heads, r.minimum[d], r.optimal[d]),
        }
        for r in week.requirements
        for d in range(7)
        if r.minimum[d] or r.optimal[d]
    ]
    skills = {n.name: n.skills for n in scenario.nurses}
    preferences = []
    for nurse, shift, d in week.requests:
        day = week_start + dt.timedelta(days=d)
        row = {
            "registrar_id": nurse,
            "start": day,
            "end": day,
            "weight": REQUEST_WEIGHT,
            "note": "INRC-II S4",
        }
        if shift is None:
            preferences.append({**row, "request": "day_off", "shift": None})
        else:  # one row per code she may work: at most one is worked that day, so one violation is 10
            preferences += [{**row, "request": "avoid", "shift": code(shift, k)} for k in skills[nurse]]
    tables = dict(base)
    tables["cover"] = pd.DataFrame(cover, columns=["date", "site", "shift", "min", "target", "max"])
    if preferences:
        tables["preferences"] = pd.DataFrame(preferences)
    return validate_department(tables)


@dataclass(frozen=True)
class Counters:
    """A nurse's totals so far (initial history plus the weeks solved): S6 and S7."""

    assignments: int
    weekends: int


def _rule(rule_id: str, rule_type: str, weight: int, params: dict, scope: dict | None = None) -> dict:
    rule = {"id": rule_id, "type": rule_type, "weight": weight, "params": params, "priority": 1}
    if scope:
        rule["applies_to"] = scope
    return rule


def _hard(rule_id: str, rule_type: str, params: dict) -> dict:
    return {"id": rule_id, "type": rule_type, "hard": True, "params": params}


def share_limits(
    scenario: Scenario, counters: dict[str, Counters], stage: int, weeks: int
) -> tuple[dict[tuple[int, int], list[str]], dict[int, list[str]]]:
    """This week's pro-rata share of S6 and S7 per nurse, grouped by value.

    S6: with `left` weeks left (this one included) and `used` assignments so far, the week's limits in
    minutes are floor(600 * (min - used) / left) and ceil(600 * (max - used) / left), not below 0 (a
    share of a shift is charged by the hour, so a week below its share pays in proportion). In the
    last week they are exactly what remains. S7: with `rem` weekends left of the maximum, working this
    weekend costs nothing if rem >= left, 30 if rem <= 0, else 30 * (1 - rem / left) rounded.
    """
    left = weeks - stage
    totals: dict[tuple[int, int], list[str]] = {}
    weekends: dict[int, list[str]] = {}
    for nurse in scenario.nurses:
        contract = scenario.contracts[nurse.contract]
        used = counters[nurse.name]
        low = max(0, math.floor(Fraction(SHIFT_MINUTES * (contract.min_total - used.assignments), left)))
        high = max(0, math.ceil(Fraction(SHIFT_MINUTES * (contract.max_total - used.assignments), left)))
        if low > 0 or high < 7 * SHIFT_MINUTES:
            totals.setdefault((low, high), []).append(nurse.name)
        rem = contract.max_weekends - used.weekends
        if rem < left:
            price = WEEKEND_WEIGHT if rem <= 0 else round(Fraction(WEEKEND_WEIGHT * (left - rem), left))
            if price:
                weekends.setdefault(price, []).append(nurse.name)
    return totals, weekends


def week_pack(scenario: Scenario, counters: dict[str, Counters], stage: int, weeks: int) -> RulePack:
    """The rule pack of week `stage` (0-based) of `weeks`: every soft rule at priority 1, so the engine
    minimises the weighted sum, as the competition does."""
    rules = [
        _hard("H2-minimum-cover", "cover_limits", {}),
        _rule("S1-optimal-cover", "cover_target", 1, {"under_weight": COVER_WEIGHT, "over_weight": 0}),
        _rule("S4-shift-off-requests", "requests", 1, {}),
    ]
    for shift, followers in scenario.forbidden.items():
        if followers:
            selectors = {"from": {"shifts": codes_of(scenario, shift)}}
            selectors["to"] = {"shifts": [c for f in followers for c in codes_of(scenario, f)]}
            rules.append(_hard(f"H3-after-{shift}", "forbidden_succession", selectors))
    for shift in scenario.shifts:
        selector = {"shifts": codes_of(scenario, shift.name)}
        rules.append(
            _rule(
                f"S2-max-{shift.name}",
                "max_consecutive_kind",
                SAME_SHIFT_WEIGHT,
                {"selector": selector, "max": shift.max_run},
            )
        )
        if shift.min_run > 1:
            params = {"selector": selector, "min": shift.min_run}
            rules.append(_rule(f"S2-min-{shift.name}", "run_shortfall", SAME_SHIFT_WEIGHT, params))
    for name, c in scenario.contracts.items():
        scope = {"grades": [name]}
        rules.append(
            _rule(
                f"S2-max-work-{name}", "max_consecutive_days", WORK_RUN_WEIGHT, {"max": c.max_work_run}, scope
            )
        )
        if c.min_work_run > 1:
            rules.append(
                _rule(f"S2-min-work-{name}", "run_shortfall", WORK_RUN_WEIGHT, {"min": c.min_work_run}, scope)
            )
        rules.append(
            _rule(
                f"S3-max-off-{name}",
                "max_consecutive_days_off",
                OFF_RUN_WEIGHT,
                {"max": c.max_off_run},
                scope,
            )
        )
        if c.min_off_run > 1:
            params = {"min": c.min_off_run, "off": True}
            rules.append(_rule(f"S3-min-off-{name}", "run_shortfall", OFF_RUN_WEIGHT, params, scope))
        if c.complete_weekends:
            rules.append(
                _rule(f"S5-complete-weekends-{name}", "complete_weekends", COMPLETE_WEEKEND_WEIGHT, {}, scope)
            )
    totals, weekends = share_limits(scenario, counters, stage, weeks)
    for i, ((low, high), nurses) in enumerate(sorted(totals.items())):
        params = {"min_minutes": low, "max_minutes": high}
        weight = TOTAL_WEIGHT * 60 // SHIFT_MINUTES  # units are hours
        rules.append(_rule(f"S6-share-{i}", "total_minutes", weight, params, {"registrars": nurses}))
    for price, nurses in sorted(weekends.items()):
        rules.append(_rule(f"S7-share-{price}", "weekend_limit", price, {"max": 0}, {"registrars": nurses}))
    data = {
        "id": f"inrc2-{scenario.name}",
        "name": f"INRC-II {scenario.name}",
        "version": str(stage),
        "rules": rules,
    }
    return parse_pack(data, f"inrc2:{scenario.name}:week {stage}")
