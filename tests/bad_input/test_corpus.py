"""The bad-input corpus: every case under `cases/` runs a `roster` command in-process on the small
department of `base/` with the case's edits, and checks the exit code, that stderr names the
table (file or sheet), row and column, that no traceback is printed and that nothing is written.

A case (`cases/<name>.yaml`) holds: `about`, `command` (solve, validate or sample), optional
`args` and `weeks: own` (no default --weeks), `edits` of the base files (`old`/`new` text
replacement, whole `text`, `remove`, `encoding` to write the file in: a codec name or utf-8-bom),
`pack` (the rule pack's text), `roster` (the roster file's text), `workbook` (run on
`department.xlsx` built from the edited CSVs, with `merge`, `formula` and `drop` mutations) or
`workbook_text` (a text file named department.xlsx), `events` (the events file of a `repair`), and
`expect`: `exit`, `messages` (each must appear in stderr) and, for input a user would expect to be
accepted, `value` (a cell of the loaded department, compared by hand).
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from roster_pipeline.cli import main
from roster_pipeline.core.department_io import load_department

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.yaml"))
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
HHMM = re.compile(r"(\d{2}):(\d{2})")


def load_case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_department(case: dict, folder: Path) -> Path:
    """The base department with the case's edits, as CSVs in `folder` (or its workbook)."""
    folder.mkdir()
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((HERE / "base").glob("*.csv"))}
    encodings: dict[str, str] = {}
    for edit in case.get("edits", []):
        name = edit["file"]
        if edit.get("remove"):
            del texts[name]
            continue
        if "text" in edit:
            texts[name] = edit["text"]
        if "old" in edit:
            assert edit["old"] in texts[name], f"edit {edit['old']!r} not found in {name}"
            texts[name] = texts[name].replace(edit["old"], edit["new"], 1)
        if "encoding" in edit:
            encodings[name] = edit["encoding"]
    if "workbook_text" in case:  # a file named .xlsx that is no workbook
        (folder / "department.xlsx").write_text(case["workbook_text"], encoding="utf-8")
        return folder / "department.xlsx"
    if "workbook" in case:
        return write_workbook(texts, case["workbook"], folder / "department.xlsx")
    for name, text in texts.items():
        encoding = encodings.get(name, "utf-8")
        data = text.encode(encoding.removesuffix("-bom"))
        if encoding == "utf-8-bom":
            data = codecs.BOM_UTF8 + data
        (folder / name).write_bytes(data)
    return folder


def excel_value(text: str) -> object:
    """A CSV cell as Excel holds it: dates as datetimes, times as times, numbers as numbers."""
    if ISO_DATE.fullmatch(text):
        return dt.datetime.fromisoformat(text)
    if HHMM.fullmatch(text):
        return dt.time(int(text[:2]), int(text[3:]))
    if NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text or None


def write_workbook(texts: dict[str, str], spec: dict, path: Path) -> Path:
    """One sheet per CSV, typed as Excel would type the cells, then the case's mutations."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in texts.items():
        sheet = book.create_sheet(name.removesuffix(".csv"))
        for line in text.splitlines():
            sheet.append([excel_value(cell) for cell in line.split(",")])
    for sheet in spec.get("drop", []):
        book.remove(book[sheet])
    for merge in spec.get("merge", []):
        book[merge["sheet"]].merge_cells(merge["range"])
    for formula in spec.get("formula", []):
        book[formula["sheet"]][formula["cell"]] = formula["formula"]
    book.save(path)
    return path


def command_line(case: dict, department: Path, tmp: Path) -> tuple[list[str], list[Path]]:
    """The argv of the case and the paths the command must not create."""
    pack = HERE / "pack.yaml"
    if "pack" in case:
        pack = tmp / "pack.yaml"
        pack.write_bytes(case["pack"].encode(case.get("pack_encoding", "utf-8")))
    command = case["command"]
    if command == "sample":
        out = tmp / "sample"
        return ["sample", *map(str, case["args"]), "--out", str(out)], [out]
    common = ["--rules", str(pack), "--start", "2027-02-01"] + (
        [] if case.get("weeks") == "own" else ["--weeks", "1"]
    )
    if command == "solve":
        out, xlsx = tmp / "out" / "roster.csv", tmp / "out" / "roster.xlsx"
        argv = ["solve", str(department), *common, "--out", str(out), "--xlsx", str(xlsx)]
        argv += ["--time-limit", "5", "--workers", "1", *map(str, case.get("args", []))]
        return argv, [out, xlsx, out.parent]
    roster = HERE / "roster.csv"
    if "roster" in case:
        roster = tmp / "roster.csv"
        roster.write_bytes(case["roster"].encode(case.get("roster_encoding", "utf-8")))
    if command == "repair":
        events, out = tmp / "events.csv", tmp / "out" / "repaired.csv"
        events.write_text(case["events"], encoding="utf-8")
        return ["repair", str(department), str(roster), str(events), *common, "--out", str(out)], [out]
    return [
        "validate",
        str(department),
        str(roster),
        *common,
        "--summary",
        *map(str, case.get("args", [])),
    ], []


def run(argv: list[str]) -> int:
    """`roster` in-process: bad input, bad options included, is an exit code, never an exception."""
    return main(argv)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_case(path)
    department = write_department(case, tmp_path / "department")
    argv, must_not_exist = command_line(case, department, tmp_path)
    before = files_under(tmp_path)
    code = run(argv)
    err = capsys.readouterr().err
    expect = case["expect"]
    assert code == expect["exit"], err
    assert "Traceback" not in err
    for message in expect.get("messages", []):
        assert message in err, f"expected {message!r} in:\n{err}"
    if expect["exit"] == 2:
        assert [p for p in must_not_exist if p.exists()] == []
        assert files_under(tmp_path) == before
    if "value" in expect:
        want = expect["value"]
        frame = load_department(department).table(want["table"])
        got = frame.loc[want["row"], want["column"]]
        expected = want["equals"]
        if want.get("type") == "date":
            expected = dt.date.fromisoformat(expected)
        assert got == expected


def test_every_case_is_described() -> None:
    """Each case says what it is about and what it expects, so the corpus reads as a list."""
    assert len(CASES) >= 40
    for path in CASES:
        case = load_case(path)
        assert case.get("about") and case["expect"]["exit"] in (0, 1, 2), path.name
        if case["expect"]["exit"] == 2:
            assert case["expect"].get("messages"), path.name
