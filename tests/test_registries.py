"""A rule type is four mirrored edits (docs/architecture.md): the rule packs' registry, the solver's
posters and the validator's checks hold exactly the same rule types, and the engine spec names each."""

from __future__ import annotations

from pathlib import Path

from roster_pipeline.core.rules import RULE_TYPES
from roster_pipeline.solver.constraints import POSTERS
from roster_pipeline.validator.checks import CHECKS

SPEC = Path(__file__).resolve().parents[1] / "docs" / "engine-spec.md"


def test_solver_and_validator_registries_hold_exactly_the_rule_types() -> None:
    assert set(POSTERS) == set(RULE_TYPES)
    assert set(CHECKS) == set(RULE_TYPES)
    assert len(RULE_TYPES) == 28


def test_engine_spec_names_every_rule_type() -> None:
    spec = SPEC.read_text()
    assert [t for t in RULE_TYPES if f"`{t}`" not in spec] == []
