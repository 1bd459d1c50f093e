"""Data contracts for department tables, and reading/writing them as CSV folders and workbooks."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from data_contracts import TABLE_MODELS, ContractError, Problem, validate_department
from data_contracts.vocabulary import EVENT_TYPES
from roster_pipeline.core import domain
from roster_pipeline.core.department_io import load_department, read_tables, write_tables

Tables = dict[str, pd.DataFrame]


DEPARTMENT = {
    "registrars": """
registrar_id,name,grade,home_site,sites,skills,fte,contract_hours,email
R01,Ann,SR,A,A|B,senior|airway,1,,ann@example.org
R02,Bo,JR,A,A,,0.8,30,
R03,Cy,JR,B,B | A,airway,1.0,,
""",
    "shift_types": """
code,site,start,end,kind,skills
D,A,8:00,16:00,day,
N,A,20:00,08:00,Night,senior
E,B,14:00,22:00,evening,
""",
    "cover": """
date,days,site,shift,skill,min,target,max
,all,A,D,,1,1,2
,all,A,N,,1,1,1
,all,A,N,senior,1,1,1
,weekday,B,E,,1,1,1
,mon|WED,A,D,,1,2,2
2027-01-05,,A,D,,2,2,3
""",
    "leave": """
registrar_id,start,end,type,status,weight,reason
R02,2027-01-05,2027-01-07,annual,approved,,wedding
""",
    "preferences": """
registrar_id,start,end,request,shift,weight,note
R01,2027-01-08,,day_off,,5,
R03,2027-01-04,2027-01-10,avoid,night,2,
""",
    "training": """
registrar_id,group,date,start,end,name
,JR,2027-01-06,13:00,17:00,Teaching
R01,,2027-01-07,22:00,02:00,
""",
    "partners": """
registrar_a,registrar_b,weight
R01,R02,3
""",
    "history": """
registrar_id,date,shift
R01,2027-01-03,N
R02,2027-01-03,D
""",
    "history_totals": """
registrar_id,nights,hours_balance
R01,4,-2.5
""",
    "public_holidays": """
date,name
2027-01-26,Australia Day
""",
    "events": """
event_id,type,registrar_id,start,end,shift,site,count,reported_at,note
E1,sick,R02,2027-01-05,2027-01-06,,,,2027-01-04 06:10,flu
E2,Extra_Cover,,2027-01-08,,N,A,1,2027-01-04T07:00:30,
""",
}


def department() -> Tables:
    """A small valid department, read the way a CSV folder gives it (all strings, blanks as NaN)."""
    return {name: pd.read_csv(io.StringIO(text.strip()), dtype=str) for name, text in DEPARTMENT.items()}


def problems_of(tables: Tables) -> list[Problem]:
    """The problems reported for invalid tables (fails the test if the tables are valid)."""
    with pytest.raises(ContractError) as info:
        validate_department(tables)
    return info.value.problems


def where(problems: list[Problem]) -> list[tuple[str, int | None, str | None]]:
    return [(p.table, p.row, p.column) for p in problems]


def set_cell(table: str, index: int, column: str, value: object) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table].loc[index, column] = value

    return change


def add_row(table: str, **row: object) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table] = pd.concat([tables[table], pd.DataFrame([row])], ignore_index=True)

    return change


def drop_column(table: str, column: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table] = tables[table].drop(columns=column)

    return change


def drop_table(table: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        del tables[table]

    return change


def test_valid_department_is_coerced() -> None:
    out = validate_department(department())

    assert set(out) == set(TABLE_MODELS)
    assert list(out["shift_types"]["start"]) == ["08:00", "20:00", "14:00"]
    assert list(out["shift_types"]["kind"]) == ["day", "night", "evening"]
    assert list(out["registrars"]["sites"]) == ["A|B", "A", "B|A"]
    assert out["cover"]["days"][4] == "Mon|Wed"
    assert out["cover"]["min"].dtype == "int64"
    assert out["cover"]["date"][5] == dt.date(2027, 1, 5)
    assert out["leave"]["end"][0] == dt.date(2027, 1, 7)
    assert pd.isna(out["leave"]["weight"][0])
    assert out["registrars"]["fte"].tolist() == [1.0, 0.8, 1.0]
    assert list(out["events"]["type"]) == ["sick", "extra_cover"]
    assert list(out["events"]["reported_at"]) == [
        dt.datetime(2027, 1, 4, 6, 10),
        dt.datetime(2027, 1, 4, 7, 0, 30),
    ]


def test_validated_tables_feed_the_domain_model() -> None:
    dept = domain.Department(tables=validate_department(department()))

    assert dept.registrars["R03"].sites == ("B", "A")
    assert dept.registrars["R02"].contract_hours == 30.0
    assert dept.registrars["R01"].contract_hours == 40.0
    assert dept.shift_types["N"].minutes == 12 * 60
    assert dept.leave_days("approved")["R02"] == {dt.date(2027, 1, d) for d in (5, 6, 7)}
    demands = dept.cover_demands(domain.Horizon(dt.date(2027, 1, 4), 1))
    day_d = {(c.date, c.skill): c.target for c in demands if c.shift == "D"}
    assert day_d[(dt.date(2027, 1, 4), None)] == 2  # Monday: weekday-name row beats `all`
    assert day_d[(dt.date(2027, 1, 5), None)] == 2  # date row
    assert day_d[(dt.date(2027, 1, 7), None)] == 1  # Thursday: `all`


def test_excel_style_cells_are_coerced() -> None:
    tables = department()
    tables["shift_types"]["start"] = [dt.time(8, 0), dt.datetime(1899, 12, 30, 20, 0), "14:00"]
    tables["leave"]["start"] = [dt.datetime(2027, 1, 5)]
    tables["cover"]["min"] = [1, 1.0, 1, 1, 1, 2]

    out = validate_department(tables)

    assert list(out["shift_types"]["start"]) == ["08:00", "20:00", "14:00"]
    assert out["leave"]["start"][0] == dt.date(2027, 1, 5)
    assert out["cover"]["min"].tolist() == [1, 1, 1, 1, 1, 2]


def test_numeric_ids_from_excel_become_text() -> None:
    tables = department()
    tables["registrars"]["registrar_id"] = [101, 102.0, 103]
    for name in ("leave", "preferences", "training", "history", "history_totals", "events"):
        tables[name] = tables[name].iloc[0:0]
    tables["partners"] = pd.DataFrame({"registrar_a": ["101"], "registrar_b": [102]})

    out = validate_department(tables)

    assert out["registrars"]["registrar_id"].tolist() == ["101", "102", "103"]
    assert out["partners"].iloc[0].tolist()[:2] == ["101", "102"]


BAD_CASES = {
    "bad time format": (set_cell("shift_types", 1, "start", "8pm"), ("shift_types", 3, "start")),
    "time out of range": (set_cell("training", 0, "end", "24:00"), ("training", 2, "end")),
    "bad ISO date": (set_cell("leave", 0, "start", "05/01/2027"), ("leave", 2, "start")),
    "impossible date": (set_cell("history", 1, "date", "2027-02-30"), ("history", 3, "date")),
    "unknown registrar in leave": (set_cell("leave", 0, "registrar_id", "R99"), ("leave", 2, "registrar_id")),
    "leave end before start": (set_cell("leave", 0, "end", "2027-01-02"), ("leave", 2, "end")),
    "duplicate registrar_id": (
        add_row("registrars", registrar_id="R01", name="Di", grade="JR", home_site="A", sites="A", fte="1"),
        ("registrars", 5, "registrar_id"),
    ),
    "fte above 1": (set_cell("registrars", 1, "fte", "1.5"), ("registrars", 3, "fte")),
    "fte not a number": (set_cell("registrars", 1, "fte", "full"), ("registrars", 3, "fte")),
    "contract_hours above 100": (
        set_cell("registrars", 1, "contract_hours", "120"),
        ("registrars", 3, "contract_hours"),
    ),
    "bad e-mail": (set_cell("registrars", 0, "email", "ann.example.org"), ("registrars", 2, "email")),
    "blank required cell": (set_cell("registrars", 2, "name", None), ("registrars", 4, "name")),
    "home_site not in sites": (set_cell("registrars", 1, "home_site", "B"), ("registrars", 3, "home_site")),
    "unknown site": (set_cell("registrars", 1, "sites", "A|Z"), ("registrars", 3, "sites")),
    "unknown kind": (set_cell("shift_types", 2, "kind", "twilight"), ("shift_types", 4, "kind")),
    "shift code is a kind": (
        add_row("shift_types", code="night", site="A", start="20:00", end="08:00", kind="night"),
        ("shift_types", 5, "code"),
    ),
    "cover min above target": (set_cell("cover", 1, "min", "2"), ("cover", 3, "min")),
    "cover target above max": (set_cell("cover", 0, "max", "0"), ("cover", 2, "max")),
    "cover negative min": (set_cell("cover", 0, "min", "-1"), ("cover", 2, "min")),
    "cover site mismatch": (set_cell("cover", 3, "site", "A"), ("cover", 5, "site")),
    "cover unknown shift": (set_cell("cover", 3, "shift", "X"), ("cover", 5, "shift")),
    "cover unknown skill": (set_cell("cover", 2, "skill", "paeds"), ("cover", 4, "skill")),
    "cover bad days pattern": (set_cell("cover", 3, "days", "weekday|Sat"), ("cover", 5, "days")),
    "cover date and days": (set_cell("cover", 5, "days", "Tue"), ("cover", 7, "days")),
    "cover neither date nor days": (set_cell("cover", 3, "days", None), ("cover", 5, "days")),
    "overlapping weekday names": (
        add_row("cover", days="Mon|Tue", site="A", shift="D", min="1", target="1", max="1"),
        ("cover", 8, "days"),
    ),
    "two all rows": (
        add_row("cover", days="all", site="A", shift="N", min="0", target="1", max="1"),
        ("cover", 8, "days"),
    ),
    "two date rows": (
        add_row("cover", date="2027-01-05", site="A", shift="D", min="0", target="1", max="1"),
        ("cover", 8, "date"),
    ),
    "unknown leave status": (set_cell("leave", 0, "status", "pending"), ("leave", 2, "status")),
    "negative leave weight": (set_cell("leave", 0, "weight", "-1"), ("leave", 2, "weight")),
    "preference end before start": (
        set_cell("preferences", 1, "end", "2027-01-01"),
        ("preferences", 3, "end"),
    ),
    "preference shift required": (set_cell("preferences", 1, "shift", None), ("preferences", 3, "shift")),
    "preference unknown shift": (set_cell("preferences", 1, "shift", "Q"), ("preferences", 3, "shift")),
    "preference bad request": (set_cell("preferences", 0, "request", "want"), ("preferences", 2, "request")),
    "training registrar and group": (set_cell("training", 1, "group", "JR"), ("training", 3, "group")),
    "training neither registrar nor group": (
        set_cell("training", 0, "group", None),
        ("training", 2, "group"),
    ),
    "training unknown group": (set_cell("training", 0, "group", "PGY9"), ("training", 2, "group")),
    "training empty window": (set_cell("training", 0, "end", "13:00"), ("training", 2, "end")),
    "partner with self": (set_cell("partners", 0, "registrar_b", "R01"), ("partners", 2, "registrar_b")),
    "partner pair repeated": (
        add_row("partners", registrar_a="R02", registrar_b="R01"),
        ("partners", 3, "registrar_b"),
    ),
    "history unknown shift": (set_cell("history", 0, "shift", "X"), ("history", 2, "shift")),
    "history two rows a day": (
        add_row("history", registrar_id="R01", date="2027-01-03", shift="D"),
        ("history", 4, "date"),
    ),
    "history_totals unknown registrar": (
        set_cell("history_totals", 0, "registrar_id", "R77"),
        ("history_totals", 2, "registrar_id"),
    ),
    "duplicate public holiday": (
        add_row("public_holidays", date="2027-01-26"),
        ("public_holidays", 3, "date"),
    ),
    "missing required column": (drop_column("registrars", "fte"), ("registrars", None, "fte")),
    "missing column is not blamed on other tables": (
        drop_column("shift_types", "site"),
        ("shift_types", None, "site"),
    ),
    "bad date does not also break the date-or-days rule": (
        set_cell("cover", 5, "date", "5 Jan"),
        ("cover", 7, "date"),
    ),
    "missing table": (drop_table("cover"), ("cover", None, None)),
    "unknown event type": (set_cell("events", 0, "type", "holiday"), ("events", 2, "type")),
    "event end before start": (set_cell("events", 0, "end", "2027-01-01"), ("events", 2, "end")),
    "event for an unknown registrar": (
        set_cell("events", 0, "registrar_id", "R99"),
        ("events", 2, "registrar_id"),
    ),
    "sick event without a registrar": (
        set_cell("events", 0, "registrar_id", None),
        ("events", 2, "registrar_id"),
    ),
    "extra cover without a count": (set_cell("events", 1, "count", None), ("events", 3, "count")),
    "extra cover without a shift": (set_cell("events", 1, "shift", None), ("events", 3, "shift")),
    "extra cover count zero": (set_cell("events", 1, "count", "0"), ("events", 3, "count")),
    "event on an unknown shift": (set_cell("events", 1, "shift", "X"), ("events", 3, "shift")),
    "event site not the shift's": (set_cell("events", 1, "site", "B"), ("events", 3, "site")),
    "reported_at not a time": (
        set_cell("events", 0, "reported_at", "yesterday"),
        ("events", 2, "reported_at"),
    ),
    "reported_at a date only": (
        set_cell("events", 0, "reported_at", "2027-01-04"),
        ("events", 2, "reported_at"),
    ),
    "duplicate event_id": (set_cell("events", 1, "event_id", "E1"), ("events", 3, "event_id")),
    "unknown table": (lambda t: t.update(leaves=t["leave"]), ("leaves", None, None)),
}


@pytest.mark.parametrize("change, expected", BAD_CASES.values(), ids=BAD_CASES.keys())
def test_each_problem_is_reported_where_it_is(change: Callable[[Tables], None], expected: tuple) -> None:
    tables = department()
    change(tables)

    assert where(problems_of(tables)) == [expected]


def test_messages_name_the_values() -> None:
    tables = department()
    tables["leave"].loc[0, "end"] = "2027-01-02"

    (problem,) = problems_of(tables)

    assert str(problem) == "leave row 2, column end: end 2027-01-02 is before start 2027-01-05"


def test_all_problems_are_reported_at_once() -> None:
    tables = department()
    tables["shift_types"].loc[0, "end"] = "4pm"
    tables["leave"].loc[0, "registrar_id"] = "R99"
    tables["partners"].loc[0, "weight"] = "-3"

    with pytest.raises(ContractError) as info:
        validate_department(tables)

    assert where(info.value.problems) == [
        ("shift_types", 2, "end"),
        ("leave", 2, "registrar_id"),
        ("partners", 2, "weight"),
    ]
    assert str(info.value).splitlines() == [str(p) for p in info.value.problems]
    assert isinstance(info.value, ValueError)


def test_unparseable_cell_is_reported_once() -> None:
    tables = department()
    tables["cover"].loc[0, "min"] = "one"  # also blank for the min <= target rule and the int dtype

    assert where(problems_of(tables)) == [("cover", 2, "min")]


def test_optional_tables_and_columns_may_be_absent() -> None:
    tables = {name: department()[name] for name in ("registrars", "shift_types", "cover")}
    tables["registrars"] = tables["registrars"].drop(columns=["skills", "email", "contract_hours"])
    tables["cover"] = tables["cover"][tables["cover"]["skill"].isna()]

    out = validate_department(tables)

    assert set(out) == {"registrars", "shift_types", "cover"}
    assert out["registrars"]["skills"].isna().all()
    assert "email" in out["registrars"].columns


def test_blank_rows_are_dropped_and_rows_keep_sheet_numbers() -> None:
    tables = department()
    blank = pd.DataFrame([[None] * len(tables["leave"].columns)], columns=tables["leave"].columns)
    tables["leave"] = pd.concat([blank, tables["leave"]], ignore_index=True)
    tables["leave"].loc[1, "type"] = "holiday"

    assert where(problems_of(tables)) == [("leave", 3, "type")]


SPEC = Path(__file__).resolve().parents[2] / "docs" / "engine-spec.md"


def spec_tables() -> dict[str, dict[str, bool]]:
    """Section 1's table of tables, read from the spec text: table -> {column: required (bold)}."""
    section = SPEC.read_text(encoding="utf-8").split("## 1.")[1].split("## 2.")[0]
    tables = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("table", "---"):
            columns = [c.strip() for c in cells[1].split(",")]
            tables[cells[0]] = {c.strip("*"): c.startswith("**") for c in columns}
    return tables


def test_contracts_hold_the_tables_and_columns_of_the_spec() -> None:
    """Every table, column and required flag of spec §1 is the contract's, and nothing else."""
    spec = spec_tables()
    contract = {
        name: {column: schema.required for column, schema in model.to_schema().columns.items()}
        for name, model in TABLE_MODELS.items()
    }
    assert len(spec) == 11
    assert contract == spec


def test_vocabulary_is_the_spec_vocabulary() -> None:
    """The allowed values, written out by hand from spec §1."""
    assert domain.SHIFT_KINDS == ("day", "evening", "night", "long-day", "on-call")
    assert domain.LEAVE_TYPES == ("annual", "sick", "study", "parental", "other")
    assert domain.LEAVE_STATUSES == ("approved", "requested", "declined")
    assert domain.REQUESTS == ("prefer", "avoid", "day_off")
    assert domain.REQUIRED_TABLES == ("registrars", "shift_types", "cover")
    assert EVENT_TYPES == ("sick", "unavailable", "extra_cover", "training", "leave_cancelled")
    assert tuple(spec_tables()) == domain.TABLES


@pytest.mark.parametrize("source", ["csv", "xlsx"])
def test_write_then_read_round_trips(tmp_path, source: str) -> None:
    expected = validate_department(department())
    write_tables(expected, tmp_path)
    path = tmp_path if source == "csv" else tmp_path / "department.xlsx"

    actual = validate_department(read_tables(path))

    assert set(actual) == set(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(actual[name], frame, obj=name)


def test_folder_prefers_csv_then_workbook(tmp_path) -> None:
    write_tables(validate_department(department()), tmp_path)
    registrars = pd.read_csv(tmp_path / "registrars.csv", dtype=str)
    registrars.loc[0, "name"] = "Annie"
    registrars.to_csv(tmp_path / "registrars.csv", index=False)

    assert read_tables(tmp_path)["registrars"]["name"][0] == "Annie"
    for file in tmp_path.glob("*.csv"):
        file.unlink()
    assert read_tables(tmp_path)["registrars"]["name"][0] == "Ann"


def test_csv_rows_are_file_lines_and_empty_files_are_absent(tmp_path) -> None:
    write_tables(validate_department(department()), tmp_path)
    (tmp_path / "partners.csv").write_text("")
    lines = [
        "registrar_id,start,end,type,status",
        "",
        "R02,2027-01-05,2027-01-07,annual,approved",
        "R01,2027-01-09,2027-01-08,sick,approved",
    ]
    (tmp_path / "leave.csv").write_text("\n".join(lines) + "\n")

    raw = read_tables(tmp_path)

    assert raw["partners"].empty
    assert where(problems_of(raw)) == [("leave", 4, "end")]


def test_excel_time_cells_are_read_as_text(tmp_path) -> None:
    tables = validate_department(department())
    tables["shift_types"]["start"] = [dt.time(8, 0), dt.time(20, 0), dt.time(14, 0)]
    write_tables(tables, tmp_path)

    raw = read_tables(tmp_path / "department.xlsx")

    assert raw["shift_types"]["start"].tolist() == ["08:00", "20:00", "14:00"]
    assert raw["registrars"]["registrar_id"].tolist() == ["R01", "R02", "R03"]


def test_load_department_reports_file_rows(tmp_path) -> None:
    write_tables(validate_department(department()), tmp_path)
    assert load_department(tmp_path).registrars["R01"].skills == ("senior", "airway")
    leave = pd.read_csv(tmp_path / "leave.csv", dtype=str)
    leave.loc[0, "status"] = "maybe"
    leave.to_csv(tmp_path / "leave.csv", index=False)

    with pytest.raises(ContractError, match=r"^leave row 2, column status: status 'maybe' must be one of"):
        load_department(tmp_path)
