"""What every CP-SAT solve reports about itself (roster and job-line results share it)."""

from __future__ import annotations


class SolveOutcome:
    """Mixin for results with `status`, `objective` and `bound` attributes."""

    status: str
    objective: float | None
    bound: float | None

    @property
    def feasible(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def gap(self) -> float | None:
        """Relative gap |objective - bound| / max(1, |objective|), or None without both."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))
