"""The validator's results: violations, fairness numbers and the plain-text report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

FAIRNESS_UNITS = {"nights": "shifts", "weekends": "weekends", "public_holidays": "shifts", "hours": "minutes"}


class RosterError(ValueError):
    """A roster that cannot be checked (unknown registrar or shift code)."""


@dataclass(frozen=True)
class Violation:
    """Violation units of one rule, for one registrar (None for cover or fairness), on some dates."""

    rule_id: str
    rule_type: str
    hard: bool
    registrar_id: str | None
    dates: tuple[dt.date, ...]
    units: int
    penalty: int
    message: str


@dataclass(frozen=True)
class FairnessResult:
    """Per-registrar fairness numbers of one fairness rule (spec §4, "Fairness")."""

    rule_id: str
    measure: str
    counts: dict[str, int]
    shares: dict[str, int]
    balances: dict[str, int]
    deviations: dict[str, int]

    @property
    def spread_thousandths(self) -> int:
        """max dev - min dev (0 with no registrar in scope)."""
        devs = self.deviations.values()
        return max(devs) - min(devs) if devs else 0

    @property
    def spread(self) -> float:
        """FTE-adjusted spread in shifts, weekends or minutes."""
        return self.spread_thousandths / 1000

    @property
    def total_abs_deviation(self) -> int:
        """sum |dev_r| in thousandths."""
        return sum(abs(d) for d in self.deviations.values())


@dataclass
class ValidationReport:
    """All violations of a roster, with per-rule totals and the numbers an officer asks for."""

    violations: list[Violation]
    rule_types: dict[str, tuple[str, bool]]  # rule id -> (type, hard); structural rules first
    requests_total: int = 0
    requests_honoured: int = 0
    fairness: dict[str, FairnessResult] = field(default_factory=dict)

    @property
    def hard_violations(self) -> int:
        """Total units of hard rules (0 means the roster is compliant)."""
        return sum(v.units for v in self.violations if v.hard)

    @property
    def is_compliant(self) -> bool:
        return self.hard_violations == 0

    @property
    def soft_penalty(self) -> int:
        """The objective value this roster would have in the solver."""
        return sum(v.penalty for v in self.violations)

    @property
    def penalty_by_rule(self) -> dict[str, int]:
        """Penalty per soft rule id (0 included for every soft rule)."""
        out = {rid: 0 for rid, (_, hard) in self.rule_types.items() if not hard}
        for v in self.violations:
            if not v.hard:
                out[v.rule_id] = out.get(v.rule_id, 0) + v.penalty
        return out

    @property
    def units_by_rule(self) -> dict[str, int]:
        """Violation units per rule id (0 included for every rule, hard or soft)."""
        out = dict.fromkeys(self.rule_types, 0)
        for v in self.violations:
            out[v.rule_id] = out.get(v.rule_id, 0) + v.units
        return out

    @property
    def requests_honoured_pct(self) -> float:
        """Share of (preference row, date) units honoured, in percent (100 with no requests)."""
        return 100.0 if not self.requests_total else 100.0 * self.requests_honoured / self.requests_total

    @property
    def fairness_spreads(self) -> dict[str, float]:
        """FTE-adjusted spread per fairness rule id."""
        return {rid: result.spread for rid, result in self.fairness.items()}

    def sorted_violations(self) -> list[Violation]:
        """Hard violations first, then in rule order, registrar and date."""
        order = {rid: i for i, rid in enumerate(self.rule_types)}
        return sorted(
            self.violations,
            key=lambda v: (not v.hard, order.get(v.rule_id, len(order)), v.registrar_id or "", v.dates),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per violation, hard ones first."""
        columns = [
            "rule_id",
            "rule_type",
            "hard",
            "registrar_id",
            "first_date",
            "last_date",
            "dates",
            "units",
            "penalty",
            "message",
        ]
        rows = [
            {
                "rule_id": v.rule_id,
                "rule_type": v.rule_type,
                "hard": v.hard,
                "registrar_id": v.registrar_id,
                "first_date": min(v.dates) if v.dates else None,
                "last_date": max(v.dates) if v.dates else None,
                "dates": "|".join(d.isoformat() for d in v.dates),
                "units": v.units,
                "penalty": v.penalty,
                "message": v.message,
            }
            for v in self.sorted_violations()
        ]
        return pd.DataFrame(rows, columns=columns)

    def format_text(self, max_lines_per_rule: int | None = 10) -> str:
        """A plain-text report: hard violations first, then soft penalties, per rule.

        At most `max_lines_per_rule` messages are shown per rule (None shows all)."""
        ordered = self.sorted_violations()
        units = self.units_by_rule
        verdict = "roster is compliant" if self.is_compliant else "roster is NOT compliant"
        lines = [f"Hard violations: {self.hard_violations} ({verdict})"]
        for rid, (rule_type, hard) in self.rule_types.items():
            if hard and units[rid]:
                lines.append(f"  {rid} ({rule_type}): {units[rid]} units")
                lines += _detail_lines([v for v in ordered if v.rule_id == rid], max_lines_per_rule)
        lines += ["", f"Soft penalty: {self.soft_penalty}"]
        for rid, penalty in self.penalty_by_rule.items():
            lines.append(f"  {rid} ({self.rule_types[rid][0]}): {units[rid]} units, penalty {penalty}")
            lines += _detail_lines([v for v in ordered if v.rule_id == rid], max_lines_per_rule)
        if self.requests_total:
            honoured = (
                f"{self.requests_honoured} of {self.requests_total} ({self.requests_honoured_pct:.1f}%)"
            )
            lines += ["", f"Requests honoured: {honoured}"]
        for rid, result in self.fairness.items():
            unit = FAIRNESS_UNITS[result.measure]
            lines.append(f"Fairness {rid} ({result.measure}): FTE-adjusted spread {result.spread:g} {unit}")
        return "\n".join(lines)


def _detail_lines(violations: list[Violation], limit: int | None) -> list[str]:
    """Indented messages, cut to `limit` with a '... and N more' line."""
    shown = violations if limit is None else violations[:limit]
    lines = [f"      {v.message}" for v in shown]
    if len(violations) > len(shown):
        lines.append(f"      ... and {len(violations) - len(shown)} more")
    return lines
