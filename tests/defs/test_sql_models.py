"""Every SQL model in `dbt_like_sql/` against values computed by hand.

Each test writes a few fact-table rows by hand (the columns `core/warehouse.py` defines and the weekly
solve writes), builds the models through the `sql_models` asset (the code path Dagster runs), and
compares the model's rows with numbers worked out in the comments below.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from servers import new_database

from roster_pipeline.core.warehouse import is_postgres, open_warehouse
from roster_pipeline.defs.common.resources import WarehouseResource
from roster_pipeline.defs.rosters.dashboard import week_metadata
from roster_pipeline.defs.sql_models.assets import SQL_DIR, build_models_asset

W1, W2, W3 = dt.date(2026, 10, 5), dt.date(2026, 10, 12), dt.date(2026, 10, 19)
TESTED = {"fairness_weekly", "fairness_cumulative", "fairness_spread_gini", "request_satisfaction"}
TESTED |= {"cover_shortfalls"}


def _ledger(week: dt.date, rows: list[tuple]) -> pd.DataFrame:
    """Ledger rows (registrar, fte, available_days, nights, weekends, hours, nights_balance)."""
    records = [
        {
            "week_start": week,
            "registrar_id": rid,
            "fte": fte,
            "available_days": days,
            "nights": nights,
            "weekends": weekends,
            "public_holidays": 0,
            "hours": hours,
            "cum_nights": 0,
            "cum_weekends": 0,
            "cum_public_holidays": 0,
            "cum_hours": 0.0,
            "nights_balance": balance,
            "weekends_balance": -balance,
            "public_holidays_balance": 0.0,
            "hours_balance": 10 * balance,
        }
        for rid, fte, days, nights, weekends, hours, balance in rows
    ]
    return pd.DataFrame(records)


# Week 1: A full time, B half time, C full time on leave all week (no shifts, no availability).
# sum(fte * available_days) = 5 + 2.5 + 0 = 7.5, so share A = 2/3, B = 1/3, C = 0.
# Totals: nights 2, weekends 2, hours 60.
LEDGER_W1 = [("A", 1.0, 5, 2, 1, 40.0, 0.5), ("B", 0.5, 5, 0, 1, 20.0, -0.5), ("C", 1.0, 0, 0, 0, 0.0, 0.0)]
# Week 2: everyone works one night and 30 hours (ties); C the one weekend shift.
# sum(fte * available_days) = 5 + 2.5 + 5 = 12.5: share A = 0.4, B = 0.2, C = 0.4.
# Totals: nights 3, weekends 1, hours 90.
LEDGER_W2 = [("A", 1.0, 5, 1, 0, 30.0, 0.3), ("B", 0.5, 5, 1, 0, 30.0, -0.1), ("C", 1.0, 5, 1, 1, 30.0, 0.2)]
# Week 3: nobody can work (D has FTE 0, E no available day): every share is undefined (NULL, not 0).
LEDGER_W3 = [("D", 0.0, 5, 0, 0, 0.0, 0.0), ("E", 1.0, 0, 0, 0, 0.0, 0.0)]
NAN = float("nan")


def _solve_run(week: dt.date, total: int, honoured: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "week_start": week,
                "status": "OPTIMAL",
                "hard_violations": 0,
                "requests_total": total,
                "requests_honoured": honoured,
            }
        ]
    )


def _cover(rows: list[tuple]) -> pd.DataFrame:
    """Cover rows (date, site, shift, skill, min, target, max, assigned) of week 1."""
    keys = ["date", "site", "shift", "skill", "min", "target", "max", "assigned"]
    return pd.DataFrame([{"week_start": W1, **dict(zip(keys, row, strict=True))} for row in rows])


COVER_W1 = [
    (dt.date(2026, 10, 6), "S2", "D", "", 1, 2, 3, 1),  # at min, one below target
    (dt.date(2026, 10, 5), "S1", "D", None, 2, 3, 4, 1),  # one below min, two below target
    (dt.date(2026, 10, 5), "S1", "N", "ICU", 1, 1, 1, 1),  # met: not a shortfall
    (dt.date(2026, 10, 6), "S1", "D", None, 1, 2, 2, 3),  # over target: not a shortfall
]


def _resource(location: str) -> WarehouseResource:
    """The Dagster resource for a location (a Postgres URL goes through its environment variable)."""
    if is_postgres(location):
        return WarehouseResource(url_env="ROSTER_TEST_SQL_MODELS_URL")
    return WarehouseResource(duckdb_path=location)


def _build(location: str) -> str:
    """A warehouse with the hand-made fact rows, and every SQL model built by the `sql_models` asset."""
    wh = open_warehouse(location)
    wh.replace_week(
        "ed",
        W1,
        {
            "fairness_ledger": _ledger(W1, LEDGER_W1),
            "solve_runs": _solve_run(W1, 4, 3),
            "cover_status": _cover(COVER_W1),
        },
    )
    # a week with no requests: the percentage is undefined, not 0 or 100
    wh.replace_week("ed", W2, {"fairness_ledger": _ledger(W2, LEDGER_W2), "solve_runs": _solve_run(W2, 0, 0)})
    wh.replace_week("ed", W3, {"fairness_ledger": _ledger(W3, LEDGER_W3), "solve_runs": _solve_run(W3, 6, 3)})
    # another department in week 1, with week 2's figures: every model works within a department
    wh.replace_week(
        "icu", W1, {"fairness_ledger": _ledger(W1, LEDGER_W2), "solve_runs": _solve_run(W1, 2, 2)}
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ROSTER_TEST_SQL_MODELS_URL", location)
        result = dg.materialize(
            [build_models_asset()],
            resources={"warehouse": _resource(location)},
            instance=dg.DagsterInstance.ephemeral(),
        )
    assert result.success
    return location


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The built warehouse's location, once on DuckDB and once on Postgres."""
    if request.param == "duckdb":
        return _build(str(tmp_path_factory.mktemp("sql_models") / "warehouse.duckdb"))
    return _build(new_database(request.getfixturevalue("postgres_server")))


def _model(location: str, name: str, order: str, department: str = "ed") -> pd.DataFrame:
    frame = open_warehouse(location).query(
        f"SELECT * FROM {name} WHERE department = ? ORDER BY {order}", [department]
    )
    for column in ("week_start", "date"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _expect(actual: pd.DataFrame, expected: dict[str, list]) -> None:
    want = pd.DataFrame(expected)
    pd.testing.assert_frame_equal(
        actual[list(want.columns)].reset_index(drop=True), want, check_dtype=False, atol=1e-9
    )


MODEL_ORDER = {
    "fairness_weekly": "week_start, registrar_id",
    "fairness_cumulative": "registrar_id, week_start",
    "fairness_spread_gini": "week_start",
    "request_satisfaction": "week_start",
    "cover_shortfalls": "date, site, shift",
}


def test_models_give_identical_rows_on_duckdb_and_postgres(tmp_path: Path, postgres_server: str) -> None:
    """One source dialect (DuckDB's), transpiled by sqlglot for Postgres: the same rows on both."""
    duck = _build(str(tmp_path / "warehouse.duckdb"))
    postgres = _build(new_database(postgres_server))
    assert set(MODEL_ORDER) == TESTED
    for (name, order), department in itertools.product(MODEL_ORDER.items(), ("ed", "icu")):
        a, b = _model(duck, name, order, department), _model(postgres, name, order, department)
        assert list(a.columns) == list(b.columns) and len(a) == len(b), name
        assert len(a) > 0 or (name, department) == ("cover_shortfalls", "icu"), name
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-12, obj=name)


def test_models_keep_departments_apart(warehouse: str) -> None:
    """ICU's week 1 carries week 2's ledger: its shares, spreads and request figures are week 2's
    numbers, computed among ICU's registrars only, and ED's rows are those tested above."""
    weekly = _model(warehouse, "fairness_weekly", "registrar_id", "icu")
    _expect(
        weekly,
        {"registrar_id": ["A", "B", "C"], "share": [0.4, 0.2, 0.4], "hours_deviation": [-6.0, 12.0, -6.0]},
    )
    spread = _model(warehouse, "fairness_spread_gini", "week_start", "icu")
    _expect(spread, {"registrars": [3], "hours_spread": [18.0], "gini_hours": [1 / 6]})
    requests = _model(warehouse, "request_satisfaction", "week_start", "icu")
    _expect(requests, {"honoured_pct": [100.0], "honoured_pct_to_date": [100.0]})  # not mixed with ED's 75
    cumulative = _model(warehouse, "fairness_cumulative", "registrar_id", "icu")
    _expect(cumulative, {"nights_to_date": [1, 1, 1]})  # ICU's running totals start afresh


def test_every_model_has_a_value_test() -> None:
    assert {file.stem for file in SQL_DIR.glob("*.sql")} == TESTED


def test_fairness_weekly(warehouse: str) -> None:
    rows = _model(warehouse, "fairness_weekly", "week_start, registrar_id")
    _expect(
        rows,
        {
            "week_start": [W1] * 3 + [W2] * 3 + [W3] * 2,
            "registrar_id": ["A", "B", "C"] * 2 + ["D", "E"],
            "share": [2 / 3, 1 / 3, 0.0, 0.4, 0.2, 0.4, NAN, NAN],
            # week 1: share x 2 nights, share x 2 weekends, share x 60 hours
            "fair_nights": [4 / 3, 2 / 3, 0.0, 1.2, 0.6, 1.2, NAN, NAN],
            "fair_weekends": [4 / 3, 2 / 3, 0.0, 0.4, 0.2, 0.4, NAN, NAN],
            "fair_hours": [40.0, 20.0, 0.0, 36.0, 18.0, 36.0, NAN, NAN],
            "nights_deviation": [2 / 3, -2 / 3, 0.0, -0.2, 0.4, -0.2, NAN, NAN],
            "weekends_deviation": [-1 / 3, 1 / 3, 0.0, -0.4, -0.2, 0.6, NAN, NAN],
            # week 1 hours are exactly fair (a tie at 0); week 2 B works 30 h on a half-time share
            "hours_deviation": [0.0, 0.0, 0.0, -6.0, 12.0, -6.0, NAN, NAN],
        },
    )


def test_fairness_cumulative(warehouse: str) -> None:
    rows = _model(warehouse, "fairness_cumulative", "registrar_id, week_start")
    _expect(
        rows,
        {
            "week_start": [W1, W2] * 3 + [W3, W3],
            "registrar_id": ["A", "A", "B", "B", "C", "C", "D", "E"],
            "nights_to_date": [2, 3, 0, 1, 0, 1, 0, 0],
            "weekends_to_date": [1, 1, 1, 1, 0, 1, 0, 0],
            "hours_to_date": [40.0, 70.0, 20.0, 50.0, 0.0, 30.0, 0.0, 0.0],
            "fair_nights_to_date": [4 / 3, 4 / 3 + 1.2, 2 / 3, 2 / 3 + 0.6, 0.0, 1.2, NAN, NAN],
            "fair_hours_to_date": [40.0, 76.0, 20.0, 38.0, 0.0, 36.0, NAN, NAN],
            "nights_deviation_to_date": [2 / 3, 2 / 3 - 0.2, -2 / 3, -2 / 3 + 0.4, 0.0, -0.2, NAN, NAN],
            "weekends_deviation_to_date": [-1 / 3, -1 / 3 - 0.4, 1 / 3, 1 / 3 - 0.2, 0.0, 0.6, NAN, NAN],
            "hours_deviation_to_date": [0.0, -6.0, 0.0, 12.0, 0.0, -6.0, NAN, NAN],
            # the ledger's carried balances, passed through unchanged
            "nights_balance": [0.5, 0.3, -0.5, -0.1, 0.0, 0.2, 0.0, 0.0],
            "weekends_balance": [-0.5, -0.3, 0.5, 0.1, 0.0, -0.2, 0.0, 0.0],
            "hours_balance": [5.0, 3.0, -5.0, -1.0, 0.0, 2.0, 0.0, 0.0],
        },
    )


def test_fairness_spread_gini(warehouse: str) -> None:
    rows = _model(warehouse, "fairness_spread_gini", "week_start")
    # Gini of hours / fte: week 1 (40, 40, 0): sum |xi - xj| over ordered pairs = 4 x 40 = 160,
    # 2 n^2 mean = 2 x 9 x 80/3 = 480, so 1/3. Week 2 (30, 60, 30): 4 x 30 = 120 / (2 x 9 x 40) = 1/6.
    # Week 3: no share is defined and nobody works, so spreads and Gini are undefined.
    _expect(
        rows,
        {
            "week_start": [W1, W2, W3],
            "registrars": [3, 3, 2],
            "nights_spread": [4 / 3, 0.6, NAN],
            "weekends_spread": [2 / 3, 1.0, NAN],
            "hours_spread": [0.0, 18.0, NAN],
            "gini_hours": [1 / 3, 1 / 6, NAN],
        },
    )


def test_request_satisfaction(warehouse: str) -> None:
    rows = _model(warehouse, "request_satisfaction", "week_start")
    _expect(
        rows,
        {
            "week_start": [W1, W2, W3],
            "requests_total": [4, 0, 6],
            "requests_honoured": [3, 0, 3],
            # no requests in week 2: undefined that week, and the running figure is unchanged
            "honoured_pct": [75.0, NAN, 50.0],
            "honoured_pct_to_date": [75.0, 75.0, 60.0],
        },
    )


def test_cover_shortfalls(warehouse: str) -> None:
    rows = _model(warehouse, "cover_shortfalls", "date, site, shift")
    _expect(
        rows,
        {
            "week_start": [W1, W1],
            "date": [dt.date(2026, 10, 5), dt.date(2026, 10, 6)],
            "site": ["S1", "S2"],
            "shift": ["D", "D"],
            "skill": ["", ""],  # a missing skill reads as ''
            "min": [2, 1],
            "target": [3, 2],
            "assigned": [1, 1],
            "below_min": [1, 0],
            "below_target": [2, 1],
        },
    )


def test_dashboard_leaves_undefined_numbers_out(warehouse: str) -> None:
    """The dashboard's numbers for the hand-made weeks: defined ones as the models give them, the
    undefined ones (no requests in week 2; no fair share in week 3) left out and named, never 0 or 100."""
    wh = open_warehouse(warehouse)
    first = week_metadata(wh, "ed", W1)
    assert first["nights_spread"] == round(4 / 3, 3) and first["gini_hours"] == round(1 / 3, 3)  # as read
    assert first["requests_honoured_pct"] == pytest.approx(75.0) and first["requests"] == "3 of 4 honoured"
    assert first["hard_violations"] == 0 and first["cover_below_min"] == 1
    named = week_metadata(wh, "ed", W1, {"A": "Dr Ann Ash", "B": "Dr Bo Birch", "C": "Dr Cy Cedar"})
    for table in ("this_week", "cumulative", "calendar"):
        text = named[table].value
        assert "Dr Ann Ash" in text and "Dr Cy Cedar" in text and "| A " not in text  # names, not ids
    chart = named["hours_balance_chart"].value
    assert chart.startswith("![hours balance](data:image/svg+xml;base64,")
    svg_text = base64.b64decode(chart.split(",", 1)[1].rstrip(")")).decode()
    assert "Dr Bo Birch" in svg_text and "<svg" in svg_text  # drawn by Vega-Lite, by name
    second = week_metadata(wh, "ed", W2)
    assert "requests_honoured_pct" not in second and second["requests"] == "no requests"
    assert "requests_honoured_pct" in second["not_defined"]
    assert second["weekends_spread"] == pytest.approx(1.0)
    third = week_metadata(wh, "ed", W3)
    for name in ("nights_spread", "weekends_spread", "hours_spread", "gini_hours"):
        assert name not in third and name in third["not_defined"]
    assert third["requests_honoured_pct"] == pytest.approx(50.0)
