"""The manager's roster workbook (openpyxl): the grid with leave and training, cover status and a legend.

Kept apart from `export` so that the pipeline's run processes, which never write a workbook, do not
import openpyxl.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from roster_pipeline.core.domain import WEEKDAYS, Department, Horizon, as_date, is_blank

KIND_FILLS = {
    "day": "FFF2CC",
    "evening": "F8CBAD",
    "night": "9BC2E6",
    "long-day": "C6E0B4",
    "on-call": "D9B3FF",
}
LEAVE_CODES = {"annual": "AL", "sick": "SL", "study": "STL", "parental": "PL", "other": "OL"}
LEAVE_FILL = "BFBFBF"
TRAINING_CODE, TRAINING_FILL = "TR", "E4DFEC"
WEEKEND_FILL = "F2F2F2"
WEEKEND_HEADER_FILL = "D9D9D9"
HOLIDAY_HEADER_FILL = "FFC7CE"
HEADER_FILL = "DDEBF7"
STATUS_FILLS = {"below min": "FF7C80", "above max": "FF7C80", "below target": "FFEB9C", "ok": "C6EFCE"}
FIXED_HEADERS = ("ID", "Name", "Grade", "Site")
TOTAL_HEADERS = ("Hours", "Nights", "Weekends", "Shifts")
HEADER_ROWS = 2


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def _registrar_order(department: Department) -> list[str]:
    """Registrars by home site, those holding `senior` first, then surname."""
    regs = department.registrars.values()
    ordered = sorted(regs, key=lambda r: (r.home_site, "senior" not in r.skills, r.name.split()[-1], r.name))
    return [r.registrar_id for r in ordered]


def _leave_codes(department: Department) -> dict[tuple[str, dt.date], str]:
    codes: dict[tuple[str, dt.date], str] = {}
    for row in department.table("leave").itertuples(index=False):
        if str(row.status) != "approved":
            continue
        day, last = as_date(row.start), as_date(row.end)
        while day <= last:
            codes[(str(row.registrar_id), day)] = LEAVE_CODES.get(str(row.type), "LV")
            day += dt.timedelta(days=1)
    return codes


def _training_days(department: Department) -> set[tuple[str, dt.date]]:
    days: set[tuple[str, dt.date]] = set()
    for row in department.table("training").itertuples(index=False):
        day = as_date(row.date)
        rid = getattr(row, "registrar_id", None)
        group = getattr(row, "group", None)
        for reg in department.registrars.values():
            if is_blank(rid):
                if not is_blank(group) and str(group) in ("ALL", reg.grade, *reg.skills):
                    days.add((reg.registrar_id, day))
            elif str(rid) == reg.registrar_id:
                days.add((reg.registrar_id, day))
    return days


def _totals(department: Department, frame: pd.DataFrame, horizon: Horizon) -> dict[str, Counter[str]]:
    """Per registrar: worked minutes, nights, weekends (counted once per Saturday) and shifts."""
    out: dict[str, Counter[str]] = {rid: Counter() for rid in department.registrars}
    weekends: dict[str, set[dt.date]] = {rid: set() for rid in department.registrars}
    for rid, day_value, code in frame[["registrar_id", "date", "shift"]].itertuples(index=False):
        day, shift = as_date(day_value), department.shift_types[str(code)]
        if day not in horizon or str(rid) not in out:
            continue
        totals = out[str(rid)]
        totals["minutes"] += shift.minutes
        totals["nights"] += shift.kind == "night"
        totals["shifts"] += 1
        if day.weekday() >= 5:
            weekends[str(rid)].add(day - dt.timedelta(days=day.weekday() - 5))
    for rid, saturdays in weekends.items():
        out[rid]["weekends"] = len(saturdays)
    return out


def _write_headers(ws: Worksheet, department: Department, horizon: Horizon) -> None:
    bold = Font(bold=True)
    for col, title in enumerate(FIXED_HEADERS, start=1):
        ws.cell(row=1, column=col, value=title).font = bold
        ws.cell(row=1, column=col).fill = _fill(HEADER_FILL)
        ws.cell(row=2, column=col).fill = _fill(HEADER_FILL)
    for offset, day in enumerate(horizon.days):
        col = len(FIXED_HEADERS) + 1 + offset
        top = ws.cell(row=1, column=col, value=WEEKDAYS[day.weekday()])
        bottom = ws.cell(row=2, column=col, value=day)
        bottom.number_format = "dd mmm"
        fill = HEADER_FILL
        if day.weekday() >= 5:
            fill = WEEKEND_HEADER_FILL
        if day in department.public_holidays:
            fill = HOLIDAY_HEADER_FILL
        for cell in (top, bottom):
            cell.font = bold
            cell.fill = _fill(fill)
            cell.alignment = Alignment(horizontal="center")
    first_total = len(FIXED_HEADERS) + len(horizon.days) + 1
    for offset, title in enumerate(TOTAL_HEADERS):
        for row in (1, 2):
            ws.cell(row=row, column=first_total + offset).fill = _fill(HEADER_FILL)
        ws.cell(row=1, column=first_total + offset, value=title).font = bold


def _day_cell(
    department: Department, code: str | None, leave: str | None, training: bool, day: dt.date
) -> tuple[str | None, str | None, Font | None]:
    """Value, fill colour and font of one registrar-day cell."""
    if code is not None:
        fill = KIND_FILLS.get(department.shift_types[code].kind, "FFFFFF")
        return code, fill, Font(bold=True, color="C00000") if leave else None  # red: works on leave
    if leave:
        return leave, LEAVE_FILL, None
    if training:
        return TRAINING_CODE, TRAINING_FILL, None
    return None, WEEKEND_FILL if day.weekday() >= 5 else None, None


def _write_grid(ws: Worksheet, department: Department, horizon: Horizon, frame: pd.DataFrame) -> None:
    columns = frame[["registrar_id", "date", "shift"]].itertuples(index=False)
    shifts = {(str(r), as_date(d)): str(s) for r, d, s in columns}
    leave = _leave_codes(department)
    training = _training_days(department)
    totals = _totals(department, frame, horizon)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    first_total = len(FIXED_HEADERS) + len(horizon.days) + 1
    for row, rid in enumerate(_registrar_order(department), start=HEADER_ROWS + 1):
        reg = department.registrars[rid]
        for col, value in enumerate((rid, reg.name, reg.grade, reg.home_site), start=1):
            ws.cell(row=row, column=col, value=value)
        for col, day in enumerate(horizon.days, start=len(FIXED_HEADERS) + 1):
            key = (rid, day)
            value, fill, font = _day_cell(department, shifts.get(key), leave.get(key), key in training, day)
            cell = ws.cell(row=row, column=col, value=value)
            cell.border, cell.alignment = border, Alignment(horizontal="center")
            if fill:
                cell.fill = _fill(fill)
            if font:
                cell.font = font
        counts = totals[rid]
        values = (round(counts["minutes"] / 60, 1), counts["nights"], counts["weekends"], counts["shifts"])
        for col, value in enumerate(values, start=first_total):
            ws.cell(row=row, column=col, value=value)


def _size_roster_sheet(ws: Worksheet, days: int) -> None:
    widths = (7, 24, 17, 6)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for col in range(len(FIXED_HEADERS) + 1, len(FIXED_HEADERS) + days + 1):
        ws.column_dimensions[get_column_letter(col)].width = 7.5
    for offset in range(len(TOTAL_HEADERS)):
        ws.column_dimensions[get_column_letter(len(FIXED_HEADERS) + days + 1 + offset)].width = 9
    ws.freeze_panes = ws.cell(row=HEADER_ROWS + 1, column=len(FIXED_HEADERS) + 1).coordinate


def _cover_status(assigned: int, low: int, target: int, high: int) -> str:
    if assigned < low:
        return "below min"
    if assigned > high:
        return "above max"
    return "below target" if assigned < target else "ok"


def _write_cover(ws: Worksheet, department: Department, horizon: Horizon, frame: pd.DataFrame) -> None:
    headers = ("Date", "Day", "Site", "Shift", "Skill", "Assigned", "Min", "Target", "Max", "Status")
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font, cell.fill = Font(bold=True), _fill(HEADER_FILL)
    on_shift: dict[tuple[dt.date, str], list[str]] = {}
    for rid, day, code in frame[["registrar_id", "date", "shift"]].itertuples(index=False):
        on_shift.setdefault((as_date(day), str(code)), []).append(str(rid))
    row = 2
    for demand in department.cover_demands(horizon):
        people = on_shift.get((demand.date, demand.shift), [])
        if demand.skill is not None:
            people = [
                p
                for p in people
                if p in department.registrars and demand.skill in department.registrars[p].skills
            ]
        if demand.max == 0 and not people:
            continue  # shift not run that day
        status = _cover_status(len(people), demand.min, demand.target, demand.max)
        values = (
            demand.date,
            WEEKDAYS[demand.date.weekday()],
            department.shift_types[demand.shift].site,
            demand.shift,
            demand.skill or "",
            len(people),
            demand.min,
            demand.target,
            demand.max,
            status,
        )
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
        ws.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        ws.cell(row=row, column=len(headers)).fill = _fill(STATUS_FILLS[status])
        row += 1
    for col, width in enumerate((12, 6, 7, 10, 9, 10, 6, 8, 6, 13), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(row - 1, 1)}"


def _write_legend(ws: Worksheet, department: Department) -> None:
    rows: list[tuple[str, str, str]] = []
    kinds = sorted({s.kind for s in department.shift_types.values()}, key=list(KIND_FILLS).index)
    for kind in kinds:
        codes = ", ".join(sorted(s.code for s in department.shift_types.values() if s.kind == kind))
        rows.append((kind, KIND_FILLS[kind], f"{kind} shift: {codes}"))
    for leave_type, code in LEAVE_CODES.items():
        rows.append((code, LEAVE_FILL, f"approved {leave_type} leave"))
    rows.append((TRAINING_CODE, TRAINING_FILL, "protected training (no shift)"))
    rows.append(("Sat/Sun", WEEKEND_HEADER_FILL, "weekend (header); empty weekend cells are shaded lighter"))
    rows.append(("PH", HOLIDAY_HEADER_FILL, "public holiday (header)"))
    rows.append(("red text", "FFFFFF", "shift on a day of approved leave"))
    ws.cell(row=1, column=1, value="Code").font = Font(bold=True)
    ws.cell(row=1, column=2, value="Meaning").font = Font(bold=True)
    for index, (code, rgb, meaning) in enumerate(rows, start=2):
        cell = ws.cell(row=index, column=1, value=code)
        cell.fill = _fill(rgb)
        ws.cell(row=index, column=2, value=meaning)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 60


def write_roster_xlsx(
    department: Department, horizon: Horizon, frame: pd.DataFrame, path: str | Path
) -> Path:
    """The manager's workbook: a Roster grid (registrars x days, totals), Cover, and Legend sheets."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    roster = workbook.active
    roster.title = "Roster"
    _write_headers(roster, department, horizon)
    _write_grid(roster, department, horizon, frame)
    _size_roster_sheet(roster, len(horizon.days))
    _write_cover(workbook.create_sheet("Cover"), department, horizon, frame)
    _write_legend(workbook.create_sheet("Legend"), department)
    workbook.save(out)
    return out
