"""Job-line inputs: cohort, term template and rotation catalogue, their pandera contracts, and a
sample catalogue of about 40 rotations."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

CATEGORIES = ("A", "B", "C", "D")
TEMPLATES = {"5-term": [10, 10, 10, 10, 12], "4-term": [13, 13, 13, 13]}

COHORT_SCHEMA = pa.DataFrameSchema(
    {
        "line_id": pa.Column(str, unique=True),
        "pgy": pa.Column(int, pa.Check.isin([1, 2])),
        "fte": pa.Column(float, pa.Check.in_range(0.1, 1.0)),
    },
    coerce=True,
    strict=True,
)
TEMPLATE_SCHEMA = pa.DataFrameSchema(
    {
        "term": pa.Column(int, pa.Check.ge(1), unique=True),
        "weeks": pa.Column(int, pa.Check.in_range(1, 52)),
    },
    coerce=True,
    strict=True,
)
CATALOGUE_SCHEMA = pa.DataFrameSchema(
    {
        "rotation_id": pa.Column(str, unique=True),
        "specialty": pa.Column(str),
        "subspecialty": pa.Column(str),
        "categories": pa.Column(
            str,
            pa.Check(
                lambda s: s.map(
                    lambda v: 1 <= len(v.split(";")) <= 2 and set(v.split(";")) <= set(CATEGORIES)
                ),
                error="1 or 2 of A-D separated by ';'",
            ),
        ),
        "service": pa.Column(bool),
        "clinical_team": pa.Column(bool),
        "rural": pa.Column(bool),
        "relief_nights": pa.Column(bool),
        "excludable": pa.Column(bool),
        "six_month": pa.Column(bool),
        "capacity": pa.Column(int, pa.Check.ge(0)),
        "min_staffing": pa.Column(int, pa.Check.ge(0)),
        "popularity": pa.Column(int, pa.Check.in_range(0, 100)),
    },
    checks=pa.Check(lambda df: df["min_staffing"] <= df["capacity"], error="min_staffing <= capacity"),
    coerce=True,
    strict=True,
)
OVERRIDE_SCHEMA = pa.DataFrameSchema(
    {
        "rotation_id": pa.Column(str),
        "term": pa.Column(int, pa.Check.ge(1)),
        "capacity": pa.Column(int, pa.Check.ge(0), nullable=True, required=False),
        "min_staffing": pa.Column(int, pa.Check.ge(0), nullable=True, required=False),
    },
    coerce=True,
    strict=True,
)


@dataclass(frozen=True)
class JoblineRules:
    """AMC limits (percent of clinical weeks) and local choices; see docs/joblines.md."""

    clinical_weeks_min: int = 47
    leave_weeks: int = 5
    leave_split: tuple[int, int] | None = (2, 3)  # None: a single block only
    leave_split_gap: int = 13  # weeks between the starts of the two split blocks
    pgy1_specialty_max: int = 50
    subspecialty_max: int = 25
    six_month_subspecialty_max: int = 50  # replaces subspecialty_max for a PGY2 6-month rotation
    pgy1_service_max: int = 20
    pgy2_service_max: int = 25
    clinical_team_min: int = 50
    pgy1_categories: str = "ABCD"
    pgy2_categories: str = "ABC"
    pgy1_min_specialties: int = 4
    pgy2_min_subspecialties: int = 3
    pgy2_max_subspecialties: int = 5
    rural_max_terms: int = 1
    relief_nights_max_terms: int = 1


@dataclass
class Catalogue:
    """Validated catalogue frame plus per-term capacity and minimum staffing."""

    rotations: pd.DataFrame
    terms: list[int]
    capacity: dict[tuple[str, int], int] = field(default_factory=dict)
    min_staffing: dict[tuple[str, int], int] = field(default_factory=dict)

    @classmethod
    def build(
        cls, rotations: pd.DataFrame, terms: list[int], overrides: pd.DataFrame | None = None
    ) -> Catalogue:
        frame = CATALOGUE_SCHEMA.validate(rotations).reset_index(drop=True)
        cap = {(r, t): int(c) for r, c in zip(frame.rotation_id, frame.capacity, strict=True) for t in terms}
        low = {
            (r, t): int(m) for r, m in zip(frame.rotation_id, frame.min_staffing, strict=True) for t in terms
        }
        if overrides is not None and len(overrides):
            for row in OVERRIDE_SCHEMA.validate(overrides).itertuples(index=False):
                if row.rotation_id not in set(frame.rotation_id) or row.term not in terms:
                    raise ValueError(f"override for unknown rotation/term {row.rotation_id}/{row.term}")
                if "capacity" in overrides and pd.notna(row.capacity):
                    cap[(row.rotation_id, row.term)] = int(row.capacity)
                if "min_staffing" in overrides and pd.notna(row.min_staffing):
                    low[(row.rotation_id, row.term)] = int(row.min_staffing)
        return cls(frame, list(terms), cap, low)


@dataclass
class Plan:
    """Everything one job-line solve needs."""

    cohort: pd.DataFrame
    weeks: dict[int, int]
    catalogue: Catalogue
    rules: JoblineRules = field(default_factory=JoblineRules)

    @classmethod
    def build(
        cls,
        cohort: pd.DataFrame,
        terms: pd.DataFrame,
        rotations: pd.DataFrame,
        overrides: pd.DataFrame | None = None,
        rules: JoblineRules | None = None,
    ) -> Plan:
        cohort = COHORT_SCHEMA.validate(cohort).reset_index(drop=True)
        terms = TEMPLATE_SCHEMA.validate(terms).sort_values("term")
        weeks = dict(zip(terms.term.astype(int), terms.weeks.astype(int), strict=True))
        catalogue = Catalogue.build(rotations, list(weeks), overrides)
        return cls(cohort, weeks, catalogue, rules or JoblineRules())

    @property
    def fte_percent(self) -> list[int]:
        """Each line's FTE x 100 (capacity and minimum staffing count heads this way)."""
        return [int(round(float(f) * 100)) for f in self.cohort.fte]


def template(name_or_weeks: str | list[int]) -> pd.DataFrame:
    """A term template: "5-term" (10/10/10/10/12), "4-term" (4 x 13) or a custom list of weeks."""
    weeks = TEMPLATES[name_or_weeks] if isinstance(name_or_weeks, str) else list(name_or_weeks)
    return pd.DataFrame({"term": range(1, len(weeks) + 1), "weeks": weeks})


def sample_cohort(pgy1: int = 80, pgy2: int = 40, fte: float = 1.0) -> pd.DataFrame:
    """`pgy1` PGY1 and `pgy2` PGY2 lines, all at `fte`."""
    ids = [f"P1-{i + 1:03d}" for i in range(pgy1)] + [f"P2-{i + 1:03d}" for i in range(pgy2)]
    return pd.DataFrame({"line_id": ids, "pgy": [1] * pgy1 + [2] * pgy2, "fte": [fte] * (pgy1 + pgy2)})


# (rotation_id, specialty, subspecialty, categories, flags, capacity, min, popularity)
# flags: s service, t clinical team, r rural, n relief/nights, x excludable, 6 six-month eligible
_SAMPLE = [
    ("MED-GEN-A", "medicine", "general medicine", "B;C", "t6", 6, 3, 55),
    ("MED-GEN-B", "medicine", "general medicine", "B;C", "tx", 4, 2, 50),
    ("MED-CARD", "medicine", "cardiology", "C", "t6", 4, 2, 65),
    ("MED-GAST", "medicine", "gastroenterology", "B", "t", 3, 1, 62),
    ("MED-ENDO", "medicine", "endocrinology", "B", "tx", 3, 1, 58),
    ("MED-RESP", "medicine", "respiratory", "B;C", "t", 3, 1, 50),
    ("MED-RENAL", "medicine", "nephrology", "B", "tx", 3, 1, 45),
    ("MED-NEURO", "medicine", "neurology", "B;C", "t", 3, 1, 52),
    ("MED-GERI", "medicine", "geriatrics", "B", "t", 4, 2, 35),
    ("MED-ONC", "medicine", "oncology", "B", "tx", 3, 1, 40),
    ("MED-REHAB", "medicine", "rehabilitation", "B", "tx", 3, 0, 30),
    ("SUR-GEN-A", "surgery", "general surgery", "D;A", "t6", 6, 3, 45),
    ("SUR-GEN-B", "surgery", "general surgery", "D", "tx", 4, 2, 42),
    ("SUR-ORTH", "surgery", "orthopaedics", "D", "t", 4, 2, 48),
    ("SUR-URO", "surgery", "urology", "D", "tx", 3, 1, 38),
    ("SUR-VASC", "surgery", "vascular surgery", "D", "t", 3, 1, 36),
    ("SUR-COLO", "surgery", "colorectal surgery", "D", "tx", 3, 1, 37),
    ("SUR-ENT", "surgery", "otolaryngology", "D", "tx", 2, 0, 40),
    ("SUR-PLAS", "surgery", "plastic surgery", "D", "tx", 2, 0, 50),
    ("SUR-NEURO", "surgery", "neurosurgery", "D;C", "tx", 2, 0, 44),
    ("ED-A", "emergency", "emergency medicine", "A;C", "t6", 8, 4, 80),
    ("ED-B", "emergency", "emergency medicine", "A;C", "t", 6, 3, 78),
    ("ED-PAED", "emergency", "paediatric emergency", "A;C", "tx", 3, 1, 75),
    ("ED-SSU", "emergency", "short stay unit", "A", "sx", 3, 0, 60),
    ("ICU", "critical care", "intensive care", "C", "t6", 4, 2, 76),
    ("ANAES", "critical care", "anaesthesia", "D;C", "t", 4, 2, 79),
    ("CCU", "critical care", "coronary care", "C", "tx", 2, 0, 60),
    ("PSY-ADULT", "mental health", "adult psychiatry", "B;A", "t6", 5, 2, 40),
    ("PSY-CL", "mental health", "consultation liaison psychiatry", "B", "tx", 2, 1, 38),
    ("PSY-AOD", "mental health", "addiction medicine", "B", "tx", 2, 0, 30),
    ("PAED-GEN", "paediatrics", "general paediatrics", "A;B", "t6", 4, 2, 74),
    ("PAED-NEO", "paediatrics", "neonatology", "C", "tx", 2, 1, 60),
    ("GP-METRO", "general practice", "general practice", "A;B", "tx", 4, 1, 45),
    ("GP-PRAC", "general practice", "community practice", "A;B", "x", 3, 0, 40),
    ("RUR-MED", "medicine", "rural medicine", "A;B", "tr", 3, 1, 40),
    ("RUR-GP", "general practice", "rural general practice", "A;B", "trx", 3, 0, 42),
    ("RUR-ED", "emergency", "rural emergency", "A;C", "tr", 2, 1, 55),
    ("RELIEF-MED", "medicine", "medical relief", "B;C", "snx", 4, 1, 20),
    ("RELIEF-SUR", "surgery", "surgical relief", "D", "snx", 3, 1, 18),
    ("NIGHTS", "medicine", "after hours", "C;A", "sn", 4, 2, 15),
]


def sample_catalogue() -> pd.DataFrame:
    """A realistic 40-rotation catalogue across medicine, surgery, emergency, critical care, mental
    health, paediatrics, general practice, rural, relief and nights (capacities are illustrative)."""
    rows = []
    for rid, spec, sub, cats, flags, cap, low, pop in _SAMPLE:
        rows.append(
            {
                "rotation_id": rid,
                "specialty": spec,
                "subspecialty": sub,
                "categories": cats,
                "service": "s" in flags,
                "clinical_team": "t" in flags,
                "rural": "r" in flags,
                "relief_nights": "n" in flags,
                "excludable": "x" in flags,
                "six_month": "6" in flags,
                "capacity": cap,
                "min_staffing": low,
                "popularity": pop,
            }
        )
    return pd.DataFrame(rows)
