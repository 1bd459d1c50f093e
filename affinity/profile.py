"""Affinity profiles: pairwise specialty correlations in [-1, 1], each value with a provenance.

A profile is stored as a list of unordered pairs (JSON) or as a square matrix (CSV, first column the
row specialty). The diagonal is 1 by definition and is not stored. No Dagster or OR-Tools imports.

The shipped default profile does NOT reproduce the MSIS matrix (Chew et al., BMJ Leader 2024;8:134,
licence unknown). It only uses the three means published in the abstract (overall 0.208, general
practice 0.106, psychiatry 0.088) as placeholders, marked "published", plus a few values marked
"illustrative" that no source supports.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROVENANCE_KINDS = ("published", "illustrative", "user")
MSIS_CITATION = (
    "Chew C et al. Medical Specialty Interest Survey (MSIS). BMJ Leader 2024;8(2):134-141 (abstract)"
)

Pair = tuple[str, str]


class AffinityError(ValueError):
    """An affinity profile that breaks a validation rule."""


def pair(a: str, b: str) -> Pair:
    """The unordered pair (a, b) as a sorted tuple."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class AffinityProfile:
    """Correlations between specialties; `values` and `provenance` are keyed by sorted pairs."""

    name: str
    specialties: tuple[str, ...]
    values: dict[Pair, float]
    provenance: dict[Pair, dict[str, str]] = field(default_factory=dict)

    def r(self, a: str, b: str) -> float:
        """The correlation of a and b: 1 on the diagonal, 0 where the profile is silent."""
        if a == b:
            return 1.0
        return self.values.get(pair(a, b), 0.0)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form read back by `profile_from_dict`."""
        pairs = []
        for (a, b), value in sorted(self.values.items()):
            item: dict[str, Any] = {"a": a, "b": b, "r": value}
            if (a, b) in self.provenance:
                item["provenance"] = self.provenance[(a, b)]
            pairs.append(item)
        return {"name": self.name, "specialties": list(self.specialties), "pairs": pairs}


def profile_from_dict(data: Mapping[str, Any]) -> AffinityProfile:
    """Build a profile from `{"name", "specialties", "pairs": [{"a", "b", "r", "provenance"}]}`."""
    specialties = tuple(str(s) for s in data.get("specialties", []))
    values: dict[Pair, float] = {}
    provenance: dict[Pair, dict[str, str]] = {}
    for item in data.get("pairs", []):
        a, b = str(item["a"]), str(item["b"])
        key = pair(a, b)
        value = float(item["r"])
        if key in values and values[key] != value:
            raise AffinityError(f"not symmetric: {a}/{b} given as {values[key]} and {value}")
        values[key] = value
        if "provenance" in item:
            provenance[key] = {str(k): str(v) for k, v in dict(item["provenance"]).items()}
    if not specialties:
        specialties = tuple(sorted({s for key in values for s in key}))
    return AffinityProfile(str(data.get("name", "custom")), specialties, values, provenance)


def _profile_from_matrix(name: str, rows: list[list[str]]) -> AffinityProfile:
    header = [h.strip() for h in rows[0][1:]]
    values: dict[Pair, float] = {}
    for row in rows[1:]:
        if not row:
            continue
        a = row[0].strip()
        if len(row) - 1 != len(header):
            raise AffinityError(f"row {a!r} has {len(row) - 1} values, expected {len(header)}")
        for b, cell in zip(header, row[1:], strict=True):
            value = float(cell)
            if a == b:
                if abs(value - 1.0) > 1e-9:
                    raise AffinityError(f"diagonal {a}/{a} is {value}, expected 1")
                continue
            key = pair(a, b)
            if key in values and abs(values[key] - value) > 1e-9:
                raise AffinityError(f"not symmetric: {a}/{b} is {value} but {b}/{a} is {values[key]}")
            values[key] = value
    missing = [a for a in header if a not in {r[0].strip() for r in rows[1:] if r}]
    if missing:
        raise AffinityError(f"matrix is not square: no row for {missing}")
    provenance = {key: {"kind": "user", "note": "loaded from CSV"} for key in values}
    return AffinityProfile(name, tuple(header), values, provenance)


def load_profile(path: str | Path, known: Iterable[str] | None = None) -> AffinityProfile:
    """Read a profile from `.json` (pairs) or `.csv` (square matrix) and validate it."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(newline="") as handle:
            profile = _profile_from_matrix(path.stem, list(csv.reader(handle)))
    else:
        profile = profile_from_dict(json.loads(path.read_text()))
    validate_profile(profile, known)
    return profile


def validate_profile(profile: AffinityProfile, known: Iterable[str] | None = None) -> None:
    """Raise AffinityError unless every value is in [-1, 1], every pair names a listed specialty,
    every listed specialty is known (when `known` is given) and every provenance kind is valid."""
    listed = set(profile.specialties)
    for (a, b), value in profile.values.items():
        if not -1.0 <= value <= 1.0:
            raise AffinityError(f"{a}/{b}: {value} is outside [-1, 1]")
        if a == b and abs(value - 1.0) > 1e-9:
            raise AffinityError(f"diagonal {a}/{a} is {value}, expected 1")
        for s in (a, b):
            if s not in listed:
                raise AffinityError(f"pair {a}/{b} names {s!r}, not in the profile's specialties")
    if known is not None:
        unknown = sorted(listed - set(known))
        if unknown:
            raise AffinityError(f"unknown specialties: {unknown}")
    for key, record in profile.provenance.items():
        if record.get("kind") not in PROVENANCE_KINDS:
            raise AffinityError(f"{key}: provenance kind {record.get('kind')!r} not in {PROVENANCE_KINDS}")


def scale_weights(profile: AffinityProfile, scale: int = 100) -> dict[Pair, int]:
    """Map r in [-1, 1] linearly to integers in [-scale, scale] (r * scale, rounded)."""
    return {key: int(round(value * scale)) for key, value in profile.values.items()}


# The specialties of the sample catalogue (roster_pipeline.joblines.sample).
DEFAULT_SPECIALTIES = (
    "critical care",
    "emergency",
    "general practice",
    "medicine",
    "mental health",
    "paediatrics",
    "surgery",
)
# Unverified values from a design document, kept as clearly illustrative examples.
_ILLUSTRATIVE = {
    ("critical care", "emergency"): 0.40,
    ("general practice", "paediatrics"): 0.36,
    ("critical care", "medicine"): 0.10,
    ("critical care", "surgery"): -0.05,
    ("general practice", "surgery"): -0.16,
}


def default_profile() -> AffinityProfile:
    """The shipped profile over DEFAULT_SPECIALTIES: published MSIS means as placeholders, a few
    illustrative pair values; every value records its provenance."""
    values: dict[Pair, float] = {}
    provenance: dict[Pair, dict[str, str]] = {}
    for i, a in enumerate(DEFAULT_SPECIALTIES):
        for b in DEFAULT_SPECIALTIES[i + 1 :]:
            key = pair(a, b)
            if key in _ILLUSTRATIVE:
                values[key] = _ILLUSTRATIVE[key]
                provenance[key] = {
                    "kind": "illustrative",
                    "note": "design-document example, not verified against any source",
                }
            elif "mental health" in key:
                values[key] = 0.088
                provenance[key] = {
                    "kind": "published",
                    "note": "psychiatry mean R (not a pair value), used as placeholder",
                    "source": MSIS_CITATION,
                }
            elif "general practice" in key:
                values[key] = 0.106
                provenance[key] = {
                    "kind": "published",
                    "note": "general practice mean R (not a pair value), used as placeholder",
                    "source": MSIS_CITATION,
                }
            else:
                values[key] = 0.208
                provenance[key] = {
                    "kind": "published",
                    "note": "overall mean R (not a pair value), used as placeholder",
                    "source": MSIS_CITATION,
                }
    return AffinityProfile("default", DEFAULT_SPECIALTIES, values, provenance)
