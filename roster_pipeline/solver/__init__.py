"""CP-SAT roster engine: pure Python, no Dagster imports."""

from roster_pipeline.solver.settings import SolveResult, SolveSettings
from roster_pipeline.solver.stages import build_model, solve

__all__ = ["SolveResult", "SolveSettings", "build_model", "solve"]
