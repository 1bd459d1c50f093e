"""Solver behaviour: feasible solves, reproducibility records, and infeasibility diagnosis."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from roster_pipeline.core.domain import Department
from roster_pipeline.core.rules import parse_pack
from roster_pipeline.solver import SolveSettings, solve, stages
from roster_pipeline.solver.settings import cpsat_solver
from roster_pipeline.solver.stages import (
    _banded_roster,
    _better_start,
    _improve_deterministic,
    build_model,
    complete_hint,
)
from roster_pipeline.validator import validate_roster

from factories import FULL_PACK, START, full_pack, horizon, random_department, shift_types


def _department(registrars: list[dict], cover: list[dict], leave: list[dict] | None = None) -> Department:
    return Department(
        tables={
            "registrars": pd.DataFrame(registrars),
            "shift_types": shift_types(),
            "cover": pd.DataFrame(cover),
            "leave": pd.DataFrame(
                leave or [], columns=["registrar_id", "start", "end", "type", "status", "weight", "reason"]
            ),
        }
    )


def _registrar(rid: str, site: str, skills: str = "senior") -> dict:
    return {
        "registrar_id": rid,
        "name": f"Dr {rid}",
        "grade": "senior registrar",
        "home_site": site,
        "sites": site,
        "skills": skills,
        "fte": 1.0,
        "contract_hours": 40.0,
        "email": "",
    }


def _night_cover(site: str, minimum: int, skill: str | None, date: dt.date | None = None) -> dict:
    return {
        "date": date,
        "days": None if date else "all",
        "site": site,
        "shift": f"N-{site}",
        "skill": skill,
        "min": minimum,
        "target": minimum,
        "max": minimum + 1,
    }


# Correctness tests stop on deterministic time with one worker and a fixed seed.
ONE_WORKER = SolveSettings(time_limit=10, workers=1, seed=5, deterministic=True)
HARD_PACK = parse_pack(
    {
        "id": "hard",
        "version": "1",
        "rules": [
            {"id": "VIC1-min-rest", "type": "min_rest", "hard": True, "params": {"hours": 10}},
            {
                "id": "nights-max",
                "type": "max_consecutive_kind",
                "hard": True,
                "params": {"selector": {"kinds": ["night"]}, "max": 3},
            },
            {"id": "cover-limits", "type": "cover_limits", "hard": True},
            {"id": "leave", "type": "approved_leave", "hard": True},
        ],
    }
)


def test_feasible_solve_records_what_reproduces_it() -> None:
    department = random_department(3, registrars=6, weeks=1)
    settings = SolveSettings(time_limit=5, workers=1, seed=11, deterministic=True)
    result = solve(department, full_pack(), horizon(1), settings)
    assert result.feasible
    summary = result.summary()
    assert (summary["seed"], summary["workers"], summary["time_limit"], summary["deterministic"]) == (
        11,
        1,
        5,
        True,
    )
    assert len(summary["input_hash"]) == 64
    assert summary["rule_pack"] == "test-full" and summary["rule_pack_version"] == "1"
    assert result.objective is not None and result.bound is not None and result.bound <= result.objective
    assert set(result.penalties) == {r.id for r in full_pack().rules if not r.hard}
    # The reported objective and its breakdown, recounted by the independent validator.
    report = validate_roster(department, full_pack(), horizon(1), result.assignments)
    assert report.hard_violations == 0
    assert report.soft_penalty == result.objective
    assert report.hard_violations == 0
    assert report.penalty_by_rule == result.penalties and report.soft_penalty == result.objective


def _pack_without_fairness():
    """The full test pack less its fairness rules (no fairness-guided level)."""
    return parse_pack({**FULL_PACK, "rules": [r for r in FULL_PACK["rules"] if r["type"] != "fairness"]})


def test_same_seed_same_roster() -> None:
    pack = _pack_without_fairness()
    department = random_department(5, registrars=5, weeks=1)
    settings = SolveSettings(time_limit=2, workers=2, seed=3, deterministic=True)
    first = solve(department, pack, horizon(1), settings)
    second = solve(department, pack, horizon(1), settings)
    assert first.feasible and second.feasible
    assert first.objective == second.objective
    pd.testing.assert_frame_equal(first.assignments, second.assignments)


def test_cover_shortage_names_the_registrars_on_leave() -> None:
    saturday = START + dt.timedelta(days=5)
    registrars = [_registrar(r, "B") for r in ("R03", "R07", "R09", "R12")]
    leave = [
        {
            "registrar_id": rid,
            "start": saturday,
            "end": saturday,
            "type": "annual",
            "status": "approved",
            "weight": None,
            "reason": "private",
        }
        for rid in ("R07", "R12")
    ]
    department = _department(registrars, [_night_cover("B", 3, "senior", saturday)], leave)
    result = solve(department, HARD_PACK, horizon(1), ONE_WORKER)
    assert result.status == "INFEASIBLE"
    assert result.diagnosis == [
        "cover for the night (N-B) at site B on 2027-02-06 needs 3 senior registrars; "
        "only 2 are available: R07 and R12 are on approved leave"
    ]


def test_rule_conflict_is_found_from_assumption_core() -> None:
    # Two registrars must cover two nights every night; nobody may do more than 3 nights in a row.
    department = _department([_registrar("R01", "A"), _registrar("R02", "A")], [_night_cover("A", 2, None)])
    result = solve(department, HARD_PACK, horizon(1), ONE_WORKER)
    assert result.status == "INFEASIBLE"
    text = "\n".join(result.diagnosis)
    assert "nights-max" in text
    assert "cover for the night (N-A) at site A" in text
    assert "VIC1-min-rest" not in text and "leave" not in text


def test_registrars_away_all_period_are_left_out_of_fairness() -> None:
    department = random_department(4, registrars=3, weeks=1)
    department.tables["leave"] = pd.DataFrame(
        [
            {
                "registrar_id": rid,
                "start": START,
                "end": START + dt.timedelta(days=6),
                "type": "annual",
                "status": "approved",
                "weight": None,
                "reason": "",
            }
            for rid in ("R01", "R02")
        ]
    )
    result = solve(department, full_pack(), horizon(1), ONE_WORKER)
    report = validate_roster(department, full_pack(), horizon(1), result.assignments)
    assert result.feasible
    assert set(report.fairness["fn"].counts) == {"R03"}
    assert report.hard_violations == 0
    assert report.penalty_by_rule == result.penalties and report.soft_penalty == result.objective


def test_a_deterministic_stage_improves_from_its_roster_and_repeats() -> None:
    """Deterministic stages that start from a roster search with CP-SAT's LNS workers alone: the
    roster they are given is their first solution (never worse), and a re-run returns the same
    values (the pipeline's backfills rely on it)."""
    department = random_department(11, registrars=8, weeks=1)
    pack = full_pack()
    settings = SolveSettings(time_limit=2, workers=2, seed=1, deterministic=True)
    start = solve(department, pack, horizon(1), SolveSettings(time_limit=1, workers=1, seed=0))
    assert start.feasible
    roster = set(start.assignments.itertuples(index=False, name=None))
    runs = []
    for _ in range(2):
        model = build_model(department, pack, horizon(1))
        assert complete_hint(model, roster, settings)
        proto = model.model.Proto()
        given = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
        stage = _improve_deterministic(model, settings, budget=2.0)
        assert stage.status in ("OPTIMAL", "FEASIBLE")
        assert _cost(proto, dict(enumerate(stage.values))) <= _cost(proto, given)
        runs.append(stage.values)
    assert runs[0] == runs[1]


def test_a_deterministic_solve_spends_its_time_limit_in_deterministic_seconds(monkeypatch) -> None:
    """Every stage is charged the deterministic time it spent, so the last stage gets what the
    others left, not the whole limit again (a pipeline week at 8 s spent 12.5)."""
    spent: list[float] = []
    solve_once = cp_model.CpSolver.solve

    def counted(solver, model, callback=None):
        status = solve_once(solver, model, callback)
        spent.append(solver.response_proto.deterministic_time)
        return status

    monkeypatch.setattr(cp_model.CpSolver, "solve", counted)
    monkeypatch.setattr(cp_model.CpSolver, "Solve", counted)
    department = random_department(3, registrars=10, weeks=2)
    settings = SolveSettings(time_limit=6, workers=2, seed=0, deterministic=True)
    result = solve(department, full_pack(), horizon(2), settings)
    assert result.feasible
    assert len(spent) >= 4  # a first roster, two levels and the exact re-evaluation
    # interleaved search checks its limit between batches, so a solve can overrun it a little
    assert sum(spent) <= 1.15 * settings.time_limit


def _cost(proto, values: dict[int, int]) -> int:
    """The objective of `values` (variable index -> value), read from the model's proto."""
    total = 0
    for ref, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        total += coef * (values[ref] if ref >= 0 else 1 - values[-ref - 1])
    return total


BANDING = SolveSettings(time_limit=5, workers=2, seed=0, deterministic=True)


def _banded_rules(pack) -> list[str]:
    """The pack's fairness rules whose measure has a band (every count measure, not hours)."""
    return [r.id for r in pack.rules if r.type == "fairness" and r.params["measure"] != "hours"]


def _unfair_start(seed: int):
    """A random 8-registrar department, the full pack, its banded fairness rules, and a roster
    solved without the fairness rules (someone ends up outside a band)."""
    department = random_department(seed, registrars=8, weeks=2)
    pack = full_pack()
    banded_rules = _banded_rules(pack)
    unfair_pack = _pack_without_fairness()
    return department, pack, banded_rules, solve(department, unfair_pack, horizon(2), BANDING)


def test_the_banded_search_repairs_a_roster_into_every_fairness_band() -> None:
    """The fairness level starts from a roster with every registrar inside each band: repaired
    from the first roster, judged here by the validator's own deviations."""
    department, pack, banded_rules, start = _unfair_start(1)  # a department whose bands can all be met
    before = validate_roster(department, pack, horizon(2), start.assignments)
    outside = [rid for rid in banded_rules if max(map(abs, before.fairness[rid].deviations.values())) > 500]
    assert outside, "the starting roster should leave someone outside a band"
    roster = set(start.assignments.itertuples(index=False, name=None))
    banded, spent, closer = _banded_roster(build_model(department, pack, horizon(2)), roster, BANDING)
    assert banded is not None and closer is None and 0 < spent <= BANDING.time_limit
    after = validate_roster(department, pack, horizon(2), _frame(banded))
    assert after.hard_violations == 0
    for rid in banded_rules:
        assert max(map(abs, after.fairness[rid].deviations.values())) <= 500, rid


def _band_excess(report, rules: list[str], band: int = 500) -> int:
    """How far registrars are outside the fairness bands, summed (the validator's deviations)."""
    return sum(max(0, abs(d) - band) for rid in rules for d in report.fairness[rid].deviations.values())


def test_a_banded_search_that_cannot_reach_the_bands_returns_its_closest_roster() -> None:
    """Bands that cannot all hold: no banded roster, but the repair's closest roster, which keeps
    every hard rule and is no further outside the bands than the roster it started from (judged by
    the validator's deviations)."""
    department, pack, banded_rules, start = _unfair_start(3)  # its bands cannot all hold
    roster = set(start.assignments.itertuples(index=False, name=None))
    banded, spent, closer = _banded_roster(build_model(department, pack, horizon(2)), roster, BANDING)
    assert banded is None and closer is not None and 0 < spent <= BANDING.time_limit
    before = validate_roster(department, pack, horizon(2), start.assignments)
    after = validate_roster(department, pack, horizon(2), _frame(closer))
    assert after.hard_violations == 0
    assert 0 < _band_excess(after, banded_rules) <= _band_excess(before, banded_rules)


def test_the_banded_repair_makes_no_other_rule_of_its_level_worse() -> None:
    """The fairness level's repair may not buy its bands with the rules its level weighs beside
    fairness (cover targets, requests, requested leave): each keeps at most the penalty it had in
    the roster the repair started from (judged by the validator). Uncapped, this repair left the
    cover-target penalty at 1,566 against 860."""
    department, pack, _, start = _unfair_start(1)
    level = max(r.priority for r in pack.rules if r.type == "fairness")
    stage_pack = replace(pack, rules=tuple(r for r in pack.rules if r.hard or r.priority <= level))
    beside = [r.id for r in stage_pack.rules if not r.hard and r.priority == level and r.type != "fairness"]
    assert "covt" in beside
    roster = set(start.assignments.itertuples(index=False, name=None))
    banded, _, closer = _banded_roster(build_model(department, stage_pack, horizon(2)), roster, BANDING)
    before = validate_roster(department, pack, horizon(2), start.assignments).penalty_by_rule
    after = validate_roster(department, pack, horizon(2), _frame(banded or closer))
    assert after.hard_violations == 0
    assert before["covt"] > 0
    for rule_id in beside:
        assert after.penalty_by_rule[rule_id] <= before[rule_id], rule_id


def test_the_better_start_is_the_roster_the_validator_rates_lower() -> None:
    """Of two rosters, the stage starts from the one with the lower objective, which is the
    validator's soft penalty for a roster judged on the same rules; either order gives the same."""
    department = random_department(1, registrars=8, weeks=2)
    pack = full_pack()
    unfair_pack = _pack_without_fairness()
    settings = SolveSettings(time_limit=5, workers=1, seed=0, deterministic=True)
    fair = solve(department, pack, horizon(2), settings).assignments
    unfair = solve(department, unfair_pack, horizon(2), settings).assignments
    penalties = [validate_roster(department, pack, horizon(2), a).soft_penalty for a in (fair, unfair)]
    assert penalties[0] != penalties[1]
    lower = [fair, unfair][penalties.index(min(penalties))]
    cells = [set(a.itertuples(index=False, name=None)) for a in (fair, unfair)]
    model = build_model(department, pack, horizon(2))
    assert _better_start(model, cells, settings)[0] == set(lower.itertuples(index=False, name=None))
    assert _better_start(model, cells[::-1], settings)[0] == set(lower.itertuples(index=False, name=None))


def _frame(cells: set) -> pd.DataFrame:
    return pd.DataFrame(sorted(cells), columns=["registrar_id", "date", "shift"])


def test_bands_that_cannot_hold_without_a_first_roster_are_not_the_rules_infeasibility(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the first-roster stage finds nothing in its time, the fairness level's banded model is
    searched from nothing; its bands conflicting is no reason to report the rules infeasible: the
    unguided stage finds the roster."""
    department = random_department(3, registrars=8, weeks=2)  # its bands cannot all hold
    pack = full_pack()
    settings = SolveSettings(time_limit=5, workers=1, seed=0, deterministic=True)
    guided = build_model(department, pack, horizon(2), fairness_guide=True)
    assert cpsat_solver(settings).Solve(guided.model) == cp_model.INFEASIBLE
    timed_out = stages._Stage("UNKNOWN", [], None, 0.0)
    monkeypatch.setattr(stages, "_first_roster", lambda *args: timed_out)
    result = solve(department, pack, horizon(2), settings)
    assert result.status in ("OPTIMAL", "FEASIBLE") and result.diagnosis == []
    assert validate_roster(department, pack, horizon(2), result.assignments).hard_violations == 0


def _full_workers(monkeypatch: pytest.MonkeyPatch, settings: SolveSettings) -> list[list[str]]:
    """The full-model subsolvers asked of each CP-SAT solve of `solve`."""
    asked: list[cp_model.CpSolver] = []

    def recording(stage_settings: SolveSettings) -> cp_model.CpSolver:
        asked.append(cpsat_solver(stage_settings))
        return asked[-1]

    monkeypatch.setattr(stages, "cpsat_solver", recording)
    department = random_department(5, registrars=5, weeks=1)
    assert solve(department, _pack_without_fairness(), horizon(1), settings).feasible
    return [list(solver.parameters.subsolvers) for solver in asked]


def test_a_last_stage_of_one_solve_on_two_workers_bounds_with_the_full_lp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two free-running workers: the last stage's full-model worker is `max_lp`, the one whose LP
    keeps the constraints presolve turned into clauses; earlier stages keep CP-SAT's choice."""
    asked = _full_workers(monkeypatch, SolveSettings(time_limit=2, workers=2, seed=0))
    assert asked.count([stages.BOUND_WORKER]) == 1
    assert [] in asked  # the first-roster stage and the exact re-evaluations


def test_deterministic_and_one_worker_solves_keep_cp_sats_own_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for settings in (
        SolveSettings(time_limit=2, workers=2, seed=0, deterministic=True),
        SolveSettings(time_limit=2, workers=1, seed=0),
    ):
        assert all(subsolvers == [] for subsolvers in _full_workers(monkeypatch, settings))


def test_a_stage_with_no_roster_of_its_own_in_its_time_keeps_the_banded_roster_it_was_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every optimising stage times out before a roster of its own (as on a large department): the
    solve returns the banded repair's roster, inside every band, not the unbanded first roster."""
    department = random_department(1, registrars=8, weeks=2)  # a department whose bands can all be met
    pack = full_pack()
    banded_rules = _banded_rules(pack)
    repaired_from: list[set] = []

    def recording_repair(model, roster, settings):
        repaired_from.append(roster)
        return _banded_roster(model, roster, settings)

    monkeypatch.setattr(stages, "_banded_roster", recording_repair)
    monkeypatch.setattr(stages, "_optimise", lambda *args, **kwargs: stages._Stage("UNKNOWN", [], None, 0.0))
    result = solve(department, pack, horizon(2), BANDING)
    assert result.feasible and len(repaired_from) == 1
    first = validate_roster(department, pack, horizon(2), _frame(repaired_from[0]))
    assert _band_excess(first, banded_rules) > 0, "the first roster should leave someone outside a band"
    report = validate_roster(department, pack, horizon(2), result.assignments)
    assert report.hard_violations == 0 and _band_excess(report, banded_rules) == 0


def _first_roster_budgets(monkeypatch: pytest.MonkeyPatch, pack) -> list[float]:
    """The optimising budget `solve` gives its first-roster stage, for each call."""
    budgets: list[float] = []
    first_roster = stages._first_roster

    def recording(model, settings, budget, patience):
        budgets.append(budget)
        return first_roster(model, settings, budget, patience)

    monkeypatch.setattr(stages, "_first_roster", recording)
    assert solve(random_department(1, registrars=8, weeks=2), pack, horizon(2), BANDING).feasible
    return budgets


def test_the_first_roster_is_kept_as_found_before_a_fairness_guided_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The banded repair holds its level's rules at their penalty in the first roster, so that
    roster is not optimised for cover first (it left the repair no room); without fairness in the
    pack the first roster still gets its stage's time."""
    assert _first_roster_budgets(monkeypatch, full_pack()) == [0.0]
    budgets = _first_roster_budgets(monkeypatch, _pack_without_fairness())
    assert len(budgets) == 1 and budgets[0] >= 1.0
