"""Sample department generator, shipped rule packs, and roster export (CSV and manager workbook)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from roster_pipeline.core.department_io import load_department
from roster_pipeline.core.domain import TABLES, Department, Horizon, as_date, split_list
from roster_pipeline.core.export import ROSTER_COLUMNS, roster_frame, write_roster_csv
from roster_pipeline.core.roster_workbook import write_roster_xlsx
from roster_pipeline.core.rules import load_pack
from roster_pipeline.planning.sample import (
    capacity_report,
    make_sample,
    sample_size_problem,
    victorian_public_holidays,
    write_sample,
)

SPEC = Path(__file__).resolve().parents[2] / "docs" / "engine-spec.md"
START = dt.date(2027, 2, 1)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HHMM = re.compile(r"^\d{2}:\d{2}$")


def spec_columns() -> dict[str, list[str]]:
    """Table -> columns, parsed from the table in docs/engine-spec.md §1."""
    out: dict[str, list[str]] = {}
    for line in SPEC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in TABLES:
            out[cells[0]] = [c.strip().strip("*") for c in cells[1].split(",")]
    return out


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return make_sample()


@pytest.fixture(scope="module")
def large() -> dict[str, pd.DataFrame]:
    return make_sample(registrars=120, weeks=13)


# --------------------------------------------------------------------------- sample


def test_sample_is_deterministic_per_seed(sample: dict[str, pd.DataFrame]) -> None:
    again = make_sample()
    assert all(again[name].equals(sample[name]) for name in TABLES)
    other = make_sample(seed=8)
    assert not all(other[name].equals(sample[name]) for name in TABLES)


def test_sample_has_every_spec_table_and_column(sample: dict[str, pd.DataFrame]) -> None:
    columns = spec_columns()
    assert set(columns) == set(TABLES)
    assert list(sample) == list(TABLES)
    for name, expected in columns.items():
        assert list(sample[name].columns) == expected, name
    non_empty = set(TABLES) - {"public_holidays"}  # no Victorian holiday in February 2027
    assert all(not sample[name].empty for name in non_empty)


def test_sample_values_follow_the_spec_formats(sample: dict[str, pd.DataFrame]) -> None:
    regs = sample["registrars"]
    assert regs["registrar_id"].is_unique and regs["email"].is_unique
    assert all(
        home in split_list(sites) for home, sites in zip(regs["home_site"], regs["sites"], strict=True)
    )
    assert regs["fte"].between(0, 1, inclusive="right").all()
    assert (regs["contract_hours"] == 40 * regs["fte"]).all()
    types = sample["shift_types"]
    assert all(HHMM.match(v) for v in pd.concat([types["start"], types["end"]]))
    assert set(types["kind"]) == {"day", "evening", "night", "long-day"}
    for name, column in (
        ("leave", "start"),
        ("leave", "end"),
        ("preferences", "start"),
        ("history", "date"),
        ("training", "date"),
    ):
        assert all(ISO_DATE.match(v) for v in sample[name][column]), (name, column)
    cover = sample["cover"]
    assert ((cover["min"] <= cover["target"]) & (cover["target"] <= cover["max"])).all()
    keys = cover.assign(when=cover["date"].fillna(cover["days"]), skill=cover["skill"].fillna(""))
    assert not keys.duplicated(["when", "shift", "skill"]).any()
    assert set(cover["shift"]) <= set(types["code"])


def test_every_night_needs_a_senior(sample: dict[str, pd.DataFrame]) -> None:
    dept = Department(sample)
    demands = dept.cover_demands(Horizon(START, 4))
    nights = {(d.date, d.shift) for d in demands if dept.shift_types[d.shift].kind == "night" and d.max > 0}
    senior = {(d.date, d.shift) for d in demands if d.skill == "senior" and d.min >= 1}
    assert nights and nights <= senior


def test_sample_has_one_dr_smith(sample: dict[str, pd.DataFrame]) -> None:
    smiths = [n for n in sample["registrars"]["name"] if re.fullmatch(r"Dr \w+ Smith", n)]
    assert smiths == ["Dr Alex Smith"]


@pytest.mark.parametrize("size", ["sample", "large"])
def test_approved_leave_share(size: str, request: pytest.FixtureRequest) -> None:
    tables = request.getfixturevalue(size)
    leave = tables["leave"]
    share = leave.loc[leave["status"] == "approved", "registrar_id"].nunique() / len(tables["registrars"])
    assert 0.10 <= share <= 0.15
    assert {"requested", "declined"} <= set(leave["status"])
    assert leave.loc[leave["status"] == "requested", "weight"].notna().all()


def test_history_respects_rest_and_night_runs(sample: dict[str, pd.DataFrame]) -> None:
    dept = Department(sample)
    history = dept.history_before(START)
    assert history["date"].min() == START - dt.timedelta(days=14)
    for _, rows in history.sort_values("date").groupby("registrar_id"):
        worked = [(d, dept.shift_types[s]) for d, s in zip(rows["date"], rows["shift"], strict=True)]
        nights = 0
        for (day_a, a), (day_b, b) in zip(worked, worked[1:], strict=False):
            assert b.interval(day_b)[0] - a.interval(day_a)[1] >= dt.timedelta(hours=11)
            nights = (
                nights + 1
                if b.kind == "night" and a.kind == "night" and day_b - day_a == dt.timedelta(1)
                else 0
            )
            assert nights < 4


def test_public_holidays_in_horizon(large: dict[str, pd.DataFrame]) -> None:
    holidays = dict(zip(large["public_holidays"]["date"], large["public_holidays"]["name"], strict=True))
    assert holidays["2027-03-08"] == "Labour Day"
    assert holidays["2027-03-26"] == "Good Friday"
    assert all(START <= as_date(d) <= START + dt.timedelta(days=90) for d in holidays)
    assert dt.date(2027, 12, 27) in victorian_public_holidays(2027)  # Christmas on a Saturday


@pytest.mark.parametrize(("size", "weeks"), [("sample", 4), ("large", 13)])
def test_capacity_report_shows_min_cover_is_satisfiable(
    size: str, weeks: int, request: pytest.FixtureRequest
) -> None:
    report = capacity_report(request.getfixturevalue(size), weeks=weeks)
    assert report["problems"] == [] and report["ok"]
    assert 0.8 <= report["totals"]["target_utilisation"] <= 0.95
    assert report["totals"]["min_hours"] < report["totals"]["target_hours"] < report["totals"]["max_hours"]
    assert {row["site"] for row in report["shifts"]} == {"NTH", "CEN", "STH"}
    for row in report["shifts"]:
        assert row["load"] <= 0.6 and row["min_daily_slack"] >= 1, row
    assert all(site["load"] <= 0.85 for site in report["sites"].values())


def test_capacity_report_flags_impossible_cover(sample: dict[str, pd.DataFrame]) -> None:
    tables = dict(sample)
    cover = tables["cover"].copy()
    night = (cover["shift"] == "N-NTH") & (cover["skill"] == "senior")
    cover.loc[night, ["min", "target", "max"]] = 12
    tables["cover"] = cover
    problems = capacity_report(tables)["problems"]
    assert any(p.startswith("N-NTH senior") for p in problems)


def test_write_sample_writes_csvs_and_workbook(tmp_path: Path) -> None:
    folder = write_sample(tmp_path / "dept", registrars=24, weeks=2)
    for name in TABLES:
        assert (folder / f"{name}.csv").exists()
    assert set(TABLES) <= set(load_workbook(folder / "department.xlsx", read_only=True).sheetnames)
    assert len(load_department(folder).registrars) == 24  # passes the data contracts
    assert len(load_department(folder / "department.xlsx").registrars) == 24


def test_smallest_sample_six_registrars_a_site(tmp_path: Path) -> None:
    """`roster sample --registrars 12 --sites 2` (a ValueError before): six registrars at each home
    site, the tables pass their contracts and the capacity report finds minimum cover reachable."""
    folder = write_sample(tmp_path / "dept", registrars=12, sites=2, weeks=4)
    department = load_department(folder)
    homes = [registrar.home_site for registrar in department.registrars.values()]
    assert sorted(homes) == ["CEN"] * 6 + ["NTH"] * 6
    report = capacity_report(department.tables, weeks=4)
    assert report["problems"] == [] and report["ok"]


@pytest.mark.parametrize(
    ("registrars", "sites", "words"),
    [(11, 2, "--registrars 11 is too few for 2 site(s)"), (40, 6, "--sites must be 1..5"), (6, 1, None)],
)
def test_sample_size_problem(registrars: int, sites: int, words: str | None) -> None:
    problem = sample_size_problem(registrars, sites, 4)
    assert problem == words if words is None else words in problem


# --------------------------------------------------------------------------- rule packs


@pytest.mark.parametrize(("name", "version"), [("au-vic", "2027.2"), ("uk-2016", "2027.1")])
def test_shipped_packs_load_with_sources(name: str, version: str) -> None:
    pack = load_pack(name)
    assert pack.id == name and pack.version == version
    types = {r.type for r in pack.rules}
    assert {"min_rest", "cover_limits", "cover_target", "requests", "fairness", "contract_hours"} <= types
    assert all(r.description and r.source for r in pack.rules)
    assert all(r.hard or r.weight > 0 for r in pack.rules)
    measures = {r.params["measure"] for r in pack.of_type("fairness")}
    assert measures == {"nights", "weekends", "public_holidays", "hours"}


def test_pack_numbers_match_the_domain_research() -> None:
    vic = {r.id: r for r in load_pack("au-vic").rules}
    assert vic["VIC1-min-rest"].params == {"hours": 10}
    assert vic["VIC2-days-off"].params["min_days_off"] == 4
    assert "unverified default" in vic["VIC8-max-shift-length"].source
    uk = {r.id: r for r in load_pack("uk-2016").rules}
    assert uk["UK11-min-rest"].params == {"hours": 11}
    assert uk["UK3-max-hours-7d"].params == {"hours": 72, "days": 7}
    assert uk["UK7-max-consecutive-nights"].params["min_run"] == 3
    cover = load_pack("au-vic").of_type("cover_target")[0]
    request = load_pack("au-vic").of_type("requests")[0]
    assert cover.params["under_weight"] * cover.weight > request.weight * 10  # shortfall beats any request


# --------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def small() -> tuple[Department, Horizon, pd.DataFrame]:
    dept = Department(make_sample(registrars=24, weeks=2, seed=3))
    horizon = Horizon(START, 2)
    assignments = pd.DataFrame(
        [
            ("R001", "2027-02-01", "N-" + dept.registrars["R001"].home_site),
            ("R002", "2027-02-03", "D-" + dept.registrars["R002"].home_site),
            ("R002", "2027-02-06", "LD-" + dept.registrars["R002"].home_site),
        ],
        columns=["registrar_id", "date", "shift"],
    )
    return dept, horizon, roster_frame(dept, assignments)


def test_roster_frame_and_csv(small: tuple[Department, Horizon, pd.DataFrame], tmp_path: Path) -> None:
    _, _, frame = small
    assert list(frame.columns) == ROSTER_COLUMNS
    night = frame.iloc[0]
    assert night["start"] == "2027-02-01T22:00:00" and night["end"] == "2027-02-02T08:30:00"
    path = write_roster_csv(frame, tmp_path / "roster.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == ROSTER_COLUMNS and len(back) == 3


def test_roster_frame_rejects_unknown_shift(small: tuple[Department, Horizon, pd.DataFrame]) -> None:
    dept, _, _ = small
    with pytest.raises(ValueError, match="unknown shift"):
        roster_frame(
            dept, pd.DataFrame([("R001", "2027-02-01", "X-NOPE")], columns=["registrar_id", "date", "shift"])
        )


def _row_of(ws, registrar_id: str) -> int:
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == registrar_id)


def test_roster_workbook_grid(small: tuple[Department, Horizon, pd.DataFrame], tmp_path: Path) -> None:
    dept, horizon, frame = small
    workbook = load_workbook(write_roster_xlsx(dept, horizon, frame, tmp_path / "roster.xlsx"))
    assert workbook.sheetnames == ["Roster", "Cover", "Legend"]
    ws = workbook["Roster"]
    assert (ws.max_row, ws.max_column) == (2 + len(dept.registrars), 4 + 14 + 4)
    assert ws.freeze_panes == "E3"
    assert [ws.cell(1, c).value for c in range(5, 12)] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert ws.cell(2, 5).value.date() == START
    row = _row_of(ws, "R001")
    assert ws.cell(row, 5).value.startswith("N-") and ws.cell(row, 5).fill.fgColor.rgb.endswith("9BC2E6")
    assert [ws.cell(row, c).value for c in range(19, 23)] == [10.5, 1, 0, 1]
    row = _row_of(ws, "R002")
    assert ws.cell(row, 10).value.startswith("LD-") and ws.cell(row, 10).fill.fgColor.rgb.endswith("C6E0B4")
    assert ws.cell(row, 11).value is None and ws.cell(row, 11).fill.fgColor.rgb.endswith("F2F2F2")
    assert [ws.cell(row, c).value for c in range(19, 23)] == [21.0, 0, 1, 2]
    assert ws.column_dimensions["B"].width >= 20
    teaching = 5 + (dt.date(2027, 2, 10) - START).days  # registrar teaching afternoon, no shift
    junior = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 3).value == "registrar")
    assert ws.cell(junior, teaching).value == "TR"
    assert ws.cell(junior, teaching).fill.fgColor.rgb.endswith("E4DFEC")


def test_roster_workbook_marks_leave_in_grey(
    small: tuple[Department, Horizon, pd.DataFrame], tmp_path: Path
) -> None:
    dept, horizon, frame = small
    ws = load_workbook(write_roster_xlsx(dept, horizon, frame, tmp_path / "roster.xlsx"))["Roster"]
    leave = dept.table("leave")
    approved = leave[leave["status"] == "approved"].iloc[0]
    day = max(as_date(approved["start"]), START)
    cell = ws.cell(_row_of(ws, approved["registrar_id"]), 5 + (day - START).days)
    assert cell.value in {"AL", "SL", "STL", "PL", "OL"} and cell.fill.fgColor.rgb.endswith("BFBFBF")


def hand_demand(cover: pd.DataFrame, day: dt.date, shift: str) -> tuple[int, int, int]:
    """(min, target, max) of a head-count demand, resolved by hand as spec §1 says: a `date` row
    beats weekday names, which beat weekday/weekend, which beat all."""
    weekday = day.strftime("%a")
    ranked = []
    for row in cover[(cover["shift"] == shift) & cover["skill"].isna()].itertuples(index=False):
        days = row.days if isinstance(row.days, str) else ""
        if isinstance(row.date, str | dt.date) and as_date(row.date) == day:
            ranked.append((3, row))
        elif weekday in days.split("|"):
            ranked.append((2, row))
        elif days == ("weekday" if day.weekday() < 5 else "weekend"):
            ranked.append((1, row))
        elif days == "all":
            ranked.append((0, row))
    _, row = max(ranked, key=lambda pair: pair[0])
    return int(row.min), int(row.target), int(row.max)


def test_roster_workbook_cover_sheet(small: tuple[Department, Horizon, pd.DataFrame], tmp_path: Path) -> None:
    dept, horizon, frame = small
    ws = load_workbook(write_roster_xlsx(dept, horizon, frame, tmp_path / "roster.xlsx"))["Cover"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    night = f"N-{dept.registrars['R001'].home_site}"
    first = [r for r in rows if r[0].date() == START and r[3] == night and r[4] is None][0]
    assert first[5:9] == (1, *hand_demand(dept.table("cover"), START, night))
    for assigned, low, target, high, status in (r[5:] for r in rows):
        expected = "below min" if assigned < low else "below target" if assigned < target else "ok"
        assert status == ("above max" if assigned > high else expected)
    assert {r[9] for r in rows} >= {"below min", "ok"}
    assert not any(r[3].startswith("LD-") and r[0].weekday() < 5 for r in rows)  # closed shifts left out
