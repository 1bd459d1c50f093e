"""Independent roster validator: recount every rule of docs/engine-spec.md in plain Python.

The validator never imports the solver, so it can check a roster somebody typed into Excel and
property tests can compare the solver's reported penalties with this recount. Nor does it share the
engine's reading of the tables: `department` reads the raw frames itself (shift lengths, the 40 x
FTE contract default, cover resolution, history and the known days, leave days, rule scopes), and
takes from `core` only data (`Department.tables`, the horizon's start and weeks, a rule's fields,
`as_date`); `tests/test_independence.py` enforces it. Everything is done with dates and integer
minutes; no CP-SAT.

Where the spec leaves room for reading, the choice made is marked `Interpretation:` in a comment.
General ones:

- Interpretation: numeric parameters (hours, fractions, fte, contract hours, balances) are read as
  their intended decimal value (`Fraction(x).limit_denominator(10**6)`, so `40 * 0.7` is exactly
  28) and floor/ceil/round are then exact. `round()` is Python's round on that exact rational
  (half to even).
- Interpretation: a shift-time instant is an integer number of minutes (`date.toordinal() * 1440 +
  minute of day`), so `start_b - end_a` etc. are exact.
- Interpretation: text cells (ids, codes, statuses, kinds) are read trimmed; two cover rows of
  equal rank for one (date, shift, skill) are refused (spec §1: a contract error) rather than one
  of them picked.
- Interpretation: roster rows with a blank shift are ignored (a day off); an unknown registrar or
  shift code in the roster, or an unknown shift code in history, raises `RosterError`. History rows
  of registrars not in the department are ignored.

Layout: `report` (violations, fairness numbers, the text report), `department` (the validator's
own reading of the department tables), `facts` (the roster and history
indexed for the checks), `values` (exact numbers and day ranges), `checks/<group>` (one module per
rule group with its `CHECKS` table, the same groups as the solver's constraint modules;
`checks.CHECKS` merges them), `checks/structural` (one shift a day, eligibility) and `validate`
(`validate_roster`).
"""

from roster_pipeline.validator.checks import CHECKS, STRUCTURAL_CHECKS, STRUCTURAL_RULES, Check
from roster_pipeline.validator.checks.fairness import fairness_result
from roster_pipeline.validator.facts import Preference, RosterFacts, Worked, request_honoured
from roster_pipeline.validator.report import FairnessResult, RosterError, ValidationReport, Violation
from roster_pipeline.validator.validate import validate_roster

__all__ = [
    "CHECKS",
    "STRUCTURAL_CHECKS",
    "STRUCTURAL_RULES",
    "Check",
    "FairnessResult",
    "Preference",
    "RosterError",
    "RosterFacts",
    "ValidationReport",
    "Violation",
    "Worked",
    "fairness_result",
    "request_honoured",
    "validate_roster",
]
