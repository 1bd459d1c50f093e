"""CP-SAT roster solver: pure Python, no Dagster imports."""

from roster_pipeline.solver.solve import SolveResult, SolveSettings, build_model, solve

__all__ = ["SolveResult", "SolveSettings", "build_model", "solve"]
