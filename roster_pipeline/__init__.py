"""roster-pipeline: registrar rosters and junior-doctor job lines with OR-Tools CP-SAT."""

__version__ = "0.1.0"
