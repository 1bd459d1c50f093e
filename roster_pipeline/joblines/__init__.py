"""PGY1/PGY2 job lines: AMC-compliant year-long rotation sequences built with CP-SAT.

No Dagster imports in this package; the assets live in roster_pipeline.defs.joblines.assets.
"""

from roster_pipeline.joblines.data import (
    Catalogue,
    JoblineRules,
    Plan,
    sample_catalogue,
    sample_cohort,
    template,
)
from roster_pipeline.joblines.solve import JoblineResult, solve_joblines

__all__ = [
    "Catalogue",
    "JoblineResult",
    "JoblineRules",
    "Plan",
    "sample_catalogue",
    "sample_cohort",
    "solve_joblines",
    "template",
]
