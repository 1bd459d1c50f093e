"""Small departments and packs built in code for solver and property tests."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd

from roster_pipeline.core.domain import Department, Horizon
from roster_pipeline.core.rules import parse_pack

START = dt.date(2027, 2, 1)  # a Monday

FULL_PACK = {
    "id": "test-full",
    "version": "1",
    "rules": [
        {"id": "rest", "type": "min_rest", "hard": True, "params": {"hours": 10}},
        {"id": "len", "type": "max_shift_length", "hard": True, "params": {"hours": 14}},
        {"id": "h7", "type": "max_hours_rolling", "hard": True, "params": {"hours": 60, "days": 7}},
        {"id": "h7soft", "type": "max_hours_rolling", "weight": 3, "params": {"hours": 40, "days": 7}},
        {"id": "avg", "type": "max_avg_weekly_hours", "hard": True, "params": {"hours": 56}},
        {
            "id": "contract",
            "type": "contract_hours",
            "weight": 2,
            "params": {"min_fraction": 0.6, "max_fraction": 1.2},
        },
        {
            "id": "tot",
            "type": "total_minutes",
            "weight": 2,
            "params": {"min_minutes": 600, "max_minutes": 2400},
        },
        {"id": "tothard", "type": "total_minutes", "hard": True, "params": {"max_minutes": 4800}},
        {"id": "maxdays", "type": "max_consecutive_days", "hard": True, "params": {"max": 6}},
        {"id": "mindays", "type": "min_consecutive_days", "weight": 4, "params": {"min": 2}},
        {"id": "minoff", "type": "min_consecutive_days_off", "weight": 4, "params": {"min": 2}},
        {
            "id": "nights",
            "type": "max_consecutive_kind",
            "hard": True,
            "params": {"selector": {"kinds": ["night"]}, "max": 3, "rest_hours": 46, "min_run": 2},
        },
        {
            "id": "nightsoft",
            "type": "max_consecutive_kind",
            "weight": 5,
            "params": {"selector": {"kinds": ["night"]}, "max": 2},
        },
        {
            "id": "succ",
            "type": "forbidden_succession",
            "hard": True,
            "params": {"from": {"kinds": ["evening"]}, "to": {"kinds": ["day"]}},
        },
        {
            "id": "maxn",
            "type": "max_shifts_of_type",
            "weight": 2,
            "params": {"selector": {"kinds": ["night"]}, "max": 3},
        },
        {
            "id": "win",
            "type": "max_shifts_in_window",
            "weight": 2,
            "params": {"selector": {"kinds": ["night"]}, "max": 1, "days": 7},
        },
        {
            "id": "wkend",
            "type": "weekend_limit",
            "weight": 6,
            "params": {"max": 1, "window": 2, "max_in_window": 1},
        },
        {
            "id": "off",
            "type": "days_off_per_window",
            "weight": 3,
            "params": {"window_days": 7, "min_days_off": 2, "min_consecutive_off": 2},
        },
        {
            "id": "offroll",
            "type": "days_off_per_window",
            "weight": 1,
            "params": {"window_days": 5, "min_days_off": 1, "rolling": True},
        },
        {"id": "cov", "type": "cover_limits", "hard": True},
        {"id": "covt", "type": "cover_target", "weight": 1, "params": {"under_weight": 20, "over_weight": 3}},
        {"id": "al", "type": "approved_leave", "hard": True},
        {"id": "rl", "type": "requested_leave", "weight": 1},
        {"id": "tr", "type": "training", "hard": True},
        {"id": "req", "type": "requests", "weight": 2},
        {
            "id": "fn",
            "type": "fairness",
            "weight": 1,
            "params": {"measure": "nights", "band_weight": 5, "spread_weight": 2, "deviation_weight": 1},
        },
        {
            "id": "fw",
            "type": "fairness",
            "weight": 1,
            "params": {"measure": "weekends", "band_weight": 5, "spread_weight": 2, "deviation_weight": 1},
        },
        {
            "id": "fp",
            "type": "fairness",
            "weight": 1,
            "params": {"measure": "public_holidays", "spread_weight": 5},
        },
        {
            "id": "fh",
            "type": "fairness",
            "weight": 1,
            "params": {"measure": "hours", "band": 2, "band_weight": 1, "deviation_weight": 1},
        },
        {
            "id": "cont",
            "type": "continuity",
            "weight": 1,
            "params": {"kind_change": 2, "site_change": 3, "isolated": 4},
        },
        {"id": "pair", "type": "partners", "weight": 2},
        {"id": "site", "type": "site_preference", "weight": 1},
    ],
}


def full_pack():
    return parse_pack(FULL_PACK, "test-full")


def shift_types() -> pd.DataFrame:
    rows = []
    for site in ("A", "B"):
        rows += [
            {
                "code": f"D-{site}",
                "site": site,
                "start": "08:00",
                "end": "16:30",
                "kind": "day",
                "skills": "",
            },
            {
                "code": f"E-{site}",
                "site": site,
                "start": "14:00",
                "end": "22:30",
                "kind": "evening",
                "skills": "",
            },
            {
                "code": f"N-{site}",
                "site": site,
                "start": "22:00",
                "end": "08:30",
                "kind": "night",
                "skills": "",
            },
        ]
    return pd.DataFrame(rows)


def random_department(seed: int, registrars: int = 6, weeks: int = 1, history: bool = True) -> Department:
    """A small random department: 2 sites, day/evening/night, leave, requests, history."""
    rng = random.Random(seed)
    ids = [f"R{i:02d}" for i in range(1, registrars + 1)]
    regs = []
    for i, rid in enumerate(ids):
        home = "A" if i % 2 == 0 else "B"
        sites = "A|B" if rng.random() < 0.4 else home
        skills = "senior" if rng.random() < 0.5 else ""
        fte = rng.choice([1.0, 1.0, 0.8, 0.5])
        regs.append(
            {
                "registrar_id": rid,
                "name": f"Dr {rid}",
                "grade": "registrar",
                "home_site": home,
                "sites": sites,
                "skills": skills,
                "fte": fte,
                "contract_hours": 40 * fte,
                "email": "",
            }
        )
    cover = []
    for site in ("A", "B"):
        for kind in ("D", "E", "N"):
            target = rng.choice([0, 1, 1, 2])
            cover.append(
                {
                    "date": None,
                    "days": "all",
                    "site": site,
                    "shift": f"{kind}-{site}",
                    "skill": None,
                    "min": 0,
                    "target": target,
                    "max": target + 1,
                }
            )
    cover.append(
        {
            "date": None,
            "days": "weekend",
            "site": "A",
            "shift": "N-A",
            "skill": "senior",
            "min": 0,
            "target": 1,
            "max": 2,
        }
    )
    days = [START + dt.timedelta(days=i) for i in range(weeks * 7)]
    leave, prefs, hist, totals = [], [], [], []
    for rid in ids:
        if rng.random() < 0.3:
            d = rng.choice(days)
            leave.append(
                {
                    "registrar_id": rid,
                    "start": d,
                    "end": d + dt.timedelta(days=rng.randint(0, 2)),
                    "type": "annual",
                    "status": rng.choice(["approved", "requested"]),
                    "weight": rng.randint(1, 9),
                    "reason": "family",
                }
            )
        for _ in range(rng.randint(0, 2)):
            d = rng.choice(days)
            req = rng.choice(["prefer", "avoid", "day_off"])
            shift = None if req == "day_off" else rng.choice(["night", "day", "D-A", "E-B"])
            prefs.append(
                {
                    "registrar_id": rid,
                    "start": d,
                    "end": None,
                    "request": req,
                    "shift": shift,
                    "weight": rng.randint(1, 5),
                    "note": "",
                }
            )
        if history:
            for back in range(1, 4):
                if rng.random() < 0.5:
                    code = (
                        rng.choice(["D", "E", "N"])
                        + "-"
                        + ("A" if "A" in regs[ids.index(rid)]["sites"] else "B")
                    )
                    hist.append({"registrar_id": rid, "date": START - dt.timedelta(days=back), "shift": code})
        totals.append(
            {
                "registrar_id": rid,
                "nights": 3,
                "weekends": 2,
                "public_holidays": 0,
                "hours": 100,
                "nights_balance": rng.choice([-1.0, 0.0, 0.5]),
                "weekends_balance": 0.0,
                "public_holidays_balance": 0.0,
                "hours_balance": rng.choice([-4.0, 0.0, 2.5]),
            }
        )
    training = [
        {
            "registrar_id": ids[0],
            "group": None,
            "date": days[min(2, len(days) - 1)],
            "start": "13:00",
            "end": "17:00",
            "name": "simulation",
        }
    ]
    partners = [{"registrar_a": ids[0], "registrar_b": ids[-1], "weight": 2}]
    tables = {
        "registrars": pd.DataFrame(regs),
        "shift_types": shift_types(),
        "cover": pd.DataFrame(cover),
        "leave": pd.DataFrame(
            leave, columns=["registrar_id", "start", "end", "type", "status", "weight", "reason"]
        ),
        "preferences": pd.DataFrame(
            prefs, columns=["registrar_id", "start", "end", "request", "shift", "weight", "note"]
        ),
        "training": pd.DataFrame(training),
        "partners": pd.DataFrame(partners),
        "history": pd.DataFrame(hist, columns=["registrar_id", "date", "shift"]),
        "history_totals": pd.DataFrame(totals),
        "public_holidays": pd.DataFrame([{"date": days[min(3, len(days) - 1)], "name": "Test Day"}]),
    }
    return Department(tables=tables)


def horizon(weeks: int = 1) -> Horizon:
    return Horizon(start=START, weeks=weeks)


def day(offset: int) -> dt.date:
    """START + offset days (negative offsets are history days)."""
    return START + dt.timedelta(days=offset)


def registrar_row(rid: str, home: str = "A", sites: str = "A|B", fte: float = 1.0) -> dict:
    """A registrar table row: no skills, contract hours 40 * fte."""
    return {
        "registrar_id": rid,
        "name": f"Dr {rid}",
        "grade": "registrar",
        "home_site": home,
        "sites": sites,
        "skills": "",
        "fte": fte,
        "contract_hours": 40 * fte,
        "email": "",
    }


def tiny_department(registrars: list[dict], **tables: list[dict]) -> Department:
    """A department of `registrars`, the day/evening/night shifts at sites A and B, no cover unless
    given, and any other tables as lists of row dicts."""
    frames = {
        "registrars": pd.DataFrame(registrars),
        "shift_types": shift_types(),
        "cover": pd.DataFrame(columns=["date", "days", "site", "shift", "skill", "min", "target", "max"]),
    }
    for name, rows in tables.items():
        frames[name] = pd.DataFrame(rows)
    return Department(tables=frames)


# ---- a hand-made week for the living roster (tests/living/test_repair.py, tests/defs) ------------
# Four registrars, a day shift D (08:00-16:30, one to two people) and a night N (22:00-08:30, at most
# one, nobody needed). Published roster: R1 D Mon Tue, R2 D Wed Thu, R3 D Fri Sat, R4 D Sun, R1 N Wed.
MON = dt.date(2027, 2, 1)
HORIZON_WEEK = Horizon(MON, 1)
WEEK_TABLES = {
    "registrars.csv": "registrar_id,name,grade,home_site,sites,skills,fte\n"
    + "".join(f"R{i},Dr {n},registrar,NTH,NTH,,1.0\n" for i, n in enumerate(["Ann", "Ben", "Cat", "Dan"], 1)),
    "shift_types.csv": "code,site,start,end,kind,skills\nD,NTH,08:00,16:30,day,\nN,NTH,22:00,08:30,night,\n",
    "cover.csv": "date,days,site,shift,skill,min,target,max\n,all,NTH,D,,1,1,2\n,all,NTH,N,,0,0,1\n",
}
WEEK_ROSTER = pd.DataFrame(
    [("R1", 0, "D"), ("R1", 1, "D"), ("R2", 2, "D"), ("R2", 3, "D"), ("R3", 4, "D"), ("R3", 5, "D"),
     ("R4", 6, "D"), ("R1", 2, "N")],
    columns=["registrar_id", "day", "shift"],
)  # fmt: skip
WEEK_ROSTER = WEEK_ROSTER.assign(date=[MON + dt.timedelta(days=d) for d in WEEK_ROSTER["day"]])[
    ["registrar_id", "date", "shift"]
]
PACK_SPEC = {
    "id": "repair-test",
    "version": "1",
    "rules": [
        {"id": "rest", "type": "min_rest", "hard": True, "params": {"hours": 10}},
        {"id": "leave", "type": "approved_leave", "hard": True},
        {"id": "cover", "type": "cover_limits", "hard": True},
        {"id": "training", "type": "training", "hard": True},
    ],
    "roster_changes": {"change_notice_days": 14, "change_cost": 1, "short_notice_change_cost": 10},
}
WEEK_PACK = parse_pack(PACK_SPEC)


def write_week(folder: Path) -> Path:
    """The hand-made week's department as CSV files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in WEEK_TABLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
