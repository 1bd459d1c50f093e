"""Registrars (names, homes, FTE, grades) and partner pairs: the `registrars` and `partners` tables."""

from __future__ import annotations

import math
import random

import pandas as pd

from roster_pipeline.core.domain import Horizon
from roster_pipeline.planning.sample.base import COLUMNS, JUNIOR, SENIOR, DraftRegistrar

# fmt: off
FIRST_NAMES = (
    "Priya", "James", "Olivia", "Liam", "Charlotte", "Noah", "Amelia", "Ethan", "Isla", "Lucas", "Mia",
    "Oliver", "Grace", "Thomas", "Chloe", "Henry", "Sophie", "Jack", "Ava", "William", "Zara", "Samuel",
    "Ruby", "Daniel", "Hannah", "Matthew", "Emily", "Benjamin", "Leah", "Aarav", "Mei", "Raj", "Fatima",
    "Kenji", "Aisha", "Nikhil", "Lucy", "Hamish", "Georgia", "Sean", "Niamh", "Tom", "Ellie", "Arjun",
)
LAST_NAMES = (
    "Nguyen", "Patel", "Williams", "Brown", "Wilson", "Taylor", "Jones", "Chen", "Singh", "Kelly",
    "O'Brien", "Walker", "Harris", "Martin", "Thompson", "White", "Anderson", "Lee", "Wright", "Campbell",
    "Murphy", "Robinson", "Clarke", "Hughes", "Kaur", "Wong", "Ryan", "Edwards", "Evans", "Scott",
    "Green", "Baker", "Hall", "Young", "King", "Ali", "Khan", "Davies", "Morris", "Tran", "McDonald",
    "Fraser",
)
# fmt: on


def make_registrars(rng: random.Random, count: int, sites: list[str]) -> list[DraftRegistrar]:
    """Registrars spread evenly over home sites; R001 is always Dr Alex Smith (full time)."""
    homes = [sites[i % len(sites)] for i in range(count)]
    rng.shuffle(homes)
    names = {("Alex", "Smith")}
    registrars = []
    for i, home in enumerate(homes):
        first, last = ("Alex", "Smith") if i == 0 else _fresh_name(rng, names)
        others = [s for s in sites if s != home]
        cross = [rng.choice(others)] if others and rng.random() < 0.3 else []
        draw = rng.random()
        fte = 1.0 if i == 0 or draw < 0.75 else 0.8 if draw < 0.87 else 0.6 if draw < 0.95 else 0.5
        registrars.append(DraftRegistrar(f"R{i + 1:03d}", first, last, home, (home, *cross), fte))
    return registrars


def _fresh_name(rng: random.Random, used: set[tuple[str, str]]) -> tuple[str, str]:
    while True:
        name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if name not in used:
            used.add(name)
            return name


def _email(reg: DraftRegistrar, site_names: dict[str, str]) -> str:
    local = f"{reg.first}.{reg.last}".lower().replace("'", "")
    return f"{local}@{site_names[reg.home].lower()}health.example.org"


def assign_grades(
    rng: random.Random, registrars: list[DraftRegistrar], horizon: Horizon, night_targets: dict[str, int]
) -> None:
    """Half of each site senior to start with, then promote until seniors can fairly carry nights."""
    for site, night in night_targets.items():
        home = [r for r in registrars if r.home == site]
        smith = [r for r in home if r.rid == "R001"]
        pool = [r for r in home if r.rid != "R001"]
        rng.shuffle(pool)
        for reg in smith + pool[: math.ceil(len(home) / 2) - len(smith)]:
            reg.senior = True
        weight = {r.rid: r.fte * len([d for d in horizon.days if d not in r.away]) for r in home}
        total = sum(weight.values()) or 1.0
        need = min(0.7, 1.0 / night + 0.02)
        juniors = sorted((r for r in home if not r.senior), key=lambda r: (-weight[r.rid], r.rid))
        while juniors and sum(weight[r.rid] for r in home if r.senior) / total < need:
            if sum(r.senior for r in home) >= 0.7 * len(home):
                break
            juniors.pop(0).senior = True


def registrar_rows(registrars: list[DraftRegistrar], site_names: dict[str, str]) -> pd.DataFrame:
    rows = [
        (
            r.rid,
            r.name,
            SENIOR if r.senior else JUNIOR,
            r.home,
            "|".join(r.sites),
            "senior" if r.senior else None,
            r.fte,
            r.contract_hours,
            _email(r, site_names),
        )
        for r in registrars
    ]
    return pd.DataFrame(rows, columns=COLUMNS["registrars"])


def partner_rows(rng: random.Random, registrars: list[DraftRegistrar]) -> list[tuple]:
    wanted = max(3, len(registrars) // 15)
    by_site: dict[str, list[DraftRegistrar]] = {}
    for reg in registrars:
        by_site.setdefault(reg.home, []).append(reg)
    rows: list[tuple] = []
    used: set[str] = set()
    sites = sorted(by_site)
    for i in range(wanted * 3):
        if len(rows) >= wanted:
            break
        free = [r for r in by_site[sites[i % len(sites)]] if r.rid not in used]
        if len(free) < 2:
            continue
        a, b = sorted(rng.sample(free, 2), key=lambda r: r.rid)
        used.update((a.rid, b.rid))
        rows.append((a.rid, b.rid, rng.choice((1, 2, 3))))
    return rows
