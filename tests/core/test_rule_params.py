"""Rule-parameter schemas: every rule type's parameters are the ones spec §4 names, good values
parse, and bad ones (missing, unknown, wrong type, out of range, min above max) are refused with
the rule id and the parameter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roster_pipeline.core.rules import RULE_TYPES, RulePackError, load_pack, parse_pack

SPEC = Path(__file__).resolve().parents[2] / "docs" / "engine-spec.md"

# One sensible parameter set per rule type, written from spec §4 (not from the schema).
GOOD = {
    "min_rest": {"hours": 10},
    "max_shift_length": {"hours": 14},
    "max_hours_rolling": {"hours": 72, "days": 7},
    "max_avg_weekly_hours": {"hours": 48},
    "contract_hours": {"min_fraction": 0.7, "max_fraction": 1.15},
    "total_minutes": {"min_minutes": 600, "max_minutes": 9600},
    "max_consecutive_days": {"max": 7},
    "min_consecutive_days": {"min": 2},
    "min_consecutive_days_off": {"min": 2},
    "max_consecutive_days_off": {"max": 3},
    "run_shortfall": {"min": 2, "selector": {"kinds": ["night"]}, "off": False},
    "max_consecutive_kind": {"selector": {"kinds": ["night"]}, "max": 4, "rest_hours": 48, "min_run": 3},
    "forbidden_succession": {"from": {"kinds": ["night"]}, "to": {"kinds": ["day"], "min_hours": 8}},
    "max_shifts_of_type": {"selector": {"shifts": ["N"], "sites": ["A"]}, "max": 3},
    "max_shifts_in_window": {"selector": {"kinds": ["night"]}, "max": 2, "days": 7},
    "weekend_limit": {"max": 2, "window": 2, "max_in_window": 1},
    "complete_weekends": {},
    "days_off_per_window": {"window_days": 14, "min_days_off": 4, "min_consecutive_off": 2, "rolling": True},
    "cover_limits": {},
    "cover_target": {"under_weight": 50, "over_weight": 2},
    "approved_leave": {},
    "requested_leave": {},
    "training": {},
    "requests": {},
    "fairness": {
        "measure": "nights",
        "band": 0.5,
        "band_weight": 2,
        "spread_weight": 3,
        "deviation_weight": 0,
    },
    "continuity": {"kind_change": 1, "site_change": 3, "isolated": 2},
    "partners": {},
    "site_preference": {},
}
SOFT_ONLY = {
    "cover_target",
    "requested_leave",
    "requests",
    "fairness",
    "continuity",
    "partners",
    "site_preference",
}


def spec_params() -> dict[str, set[str]]:
    """Rule type -> the backticked parameter names of its row in spec §4's table."""
    section = SPEC.read_text(encoding="utf-8").split("## 4.")[1].split("## 5.")[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`(\w+)`", cells[0]) if len(cells) >= 3 else None
        if match:
            rows[match[1]] = set(re.findall(r"`(\w+)`", cells[1]))
    return rows


def pack(rule_type: str, params: dict, **rule: object) -> dict:
    hard = rule_type not in SOFT_ONLY
    return {
        "id": "p",
        "version": "1",
        "rules": [{"id": "r1", "type": rule_type, "hard": hard, "weight": 1, "params": params, **rule}],
    }


def problems(data: dict) -> list[str]:
    with pytest.raises(RulePackError) as info:
        parse_pack(data)
    return str(info.value).splitlines()[1:]


def test_schemas_name_the_spec_parameters() -> None:
    spec = spec_params()
    assert set(spec) == set(RULE_TYPES) == set(GOOD)
    for rule_type, (schema, _, _) in RULE_TYPES.items():
        assert set(schema.params) == spec[rule_type], rule_type


@pytest.mark.parametrize("rule_type", sorted(GOOD))
def test_good_parameters_parse(rule_type: str) -> None:
    rule = parse_pack(pack(rule_type, GOOD[rule_type])).rules[0]
    assert (rule.type, rule.params) == (rule_type, GOOD[rule_type])


@pytest.mark.parametrize("rule_type", sorted(GOOD))
def test_unknown_parameter_is_refused(rule_type: str) -> None:
    found = problems(pack(rule_type, {**GOOD[rule_type], "colour": 1}))
    known = ", ".join(RULE_TYPES[rule_type].schema.params) or "none"
    assert found == [f"  rules[0] (r1): param 'colour' is unknown; known: {known}"]


@pytest.mark.parametrize(
    ("rule_type", "param"),
    [(t, p) for t in sorted(GOOD) for p in RULE_TYPES[t].schema.required],
)
def test_missing_required_parameter_is_refused(rule_type: str, param: str) -> None:
    params = {k: v for k, v in GOOD[rule_type].items() if k != param}
    assert f"  rules[0] (r1): param {param!r} is missing" in problems(pack(rule_type, params))


@pytest.mark.parametrize(
    ("rule_type", "param"),
    [
        (t, p)
        for t in sorted(GOOD)
        for p, v in GOOD[t].items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    ],
)
def test_negative_numbers_are_refused(rule_type: str, param: str) -> None:
    found = problems(pack(rule_type, {**GOOD[rule_type], param: -1}))
    assert any(line.startswith(f"  rules[0] (r1): param {param!r} must be") for line in found), found


@pytest.mark.parametrize(
    ("rule_type", "params", "message"),
    [
        (
            "contract_hours",
            {"min_fraction": 1.1, "max_fraction": 0.9},
            "param 'min_fraction' (1.1) is above param 'max_fraction' (0.9)",
        ),
        (
            "total_minutes",
            {"min_minutes": 100, "max_minutes": 99},
            "param 'min_minutes' (100) is above param 'max_minutes' (99)",
        ),
        (
            "days_off_per_window",
            {"window_days": 7, "min_days_off": 8},
            "param 'min_days_off' (8) is above param 'window_days' (7)",
        ),
        (
            "days_off_per_window",
            {"window_days": 7, "min_days_off": 2, "min_consecutive_off": 9},
            "param 'min_consecutive_off' (9) is above param 'window_days' (7)",
        ),
        (
            "weekend_limit",
            {"max_in_window": 1},
            "params 'window' and 'max_in_window' go together: set both or neither",
        ),
        ("max_shift_length", {"hours": 25}, "param 'hours' must be above 0 and at most 24, not 25"),
        ("min_rest", {"hours": 0}, "param 'hours' must be above 0 and at most 168, not 0"),
        ("max_consecutive_days", {"max": 2.5}, "param 'max' must be a whole number, not 2.5"),
        ("max_consecutive_days", {"max": True}, "param 'max' must be a whole number, not True"),
        (
            "cover_target",
            {"under_weight": "50", "over_weight": 1},
            "param 'under_weight' must be a whole number, not '50'",
        ),
        (
            "max_shifts_of_type",
            {"selector": ["night"], "max": 1},
            "param 'selector' must be a shift selector",
        ),
        (
            "max_shifts_of_type",
            {"selector": {"kind": ["night"]}, "max": 1},
            "param 'selector' has unknown key 'kind'",
        ),
        (
            "max_shifts_of_type",
            {"selector": {"shifts": "N"}, "max": 1},
            "param 'selector' shifts must be a list of names, not 'N'",
        ),
        (
            "forbidden_succession",
            {"from": {"min_hours": -2}, "to": {}},
            "param 'from' min_hours must be at least 0",
        ),
        (
            "fairness",
            {"measure": "night"},
            "param 'measure' must be one of nights, weekends, public_holidays, hours, not 'night'",
        ),
        (
            "max_hours_rolling",
            {"hours": 72, "days": 10**7},
            "param 'days' must be at least 1 and at most 3660, not 10000000",
        ),
    ],
)
def test_nonsense_is_refused_with_rule_and_parameter(rule_type: str, params: dict, message: str) -> None:
    found = problems(pack(rule_type, params))
    assert any(line.startswith(f"  rules[0] (r1): {message}") for line in found), found


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"hard": "yes"}, "hard must be true or false, not 'yes'"),
        ({"weight": -2}, "weight must be a whole number 0..1000000, not -2"),
        ({"priority": 0}, "priority must be a positive whole number, not 0"),
        (
            {"applies_to": {"grade": ["SR"]}},
            "applies_to: unknown key 'grade'; known: registrars, grades, skills",
        ),
        ({"applies_to": {"grades": "SR"}}, "applies_to.grades must be a list"),
        ({"param": {"hours": 10}}, "unknown key 'param'"),
        ({"id": False}, "id False is not text (YAML reads off, no, yes as booleans): quote it"),
        ({"params": [10]}, "params must be a mapping, not [10]"),
    ],
)
def test_rule_keys_are_checked(rule: dict, message: str) -> None:
    data = pack("min_rest", {"hours": 10})
    data["rules"][0].update(rule)
    found = problems(data)
    assert any(message in line for line in found), found


def test_whole_pack_shapes() -> None:
    assert problems({"id": "p", "version": "1", "rules": ["min_rest"]}) == [
        "  rules[0]: is not a mapping of keys such as id, type, params"
    ]
    with pytest.raises(RulePackError, match="rules must be a list"):
        parse_pack({"id": "p", "version": "1", "rules": {"a": 1}})
    with pytest.raises(RulePackError, match="is not a mapping with id, version and rules"):
        parse_pack(None)  # type: ignore[arg-type]


def test_change_policy_defaults_and_shipped_values() -> None:
    assert parse_pack(pack("min_rest", {"hours": 10})).changes.publish_notice_days == 28
    vic = load_pack("au-vic").changes  # VIC3: 28 days; VIC4: 14 days (rules.md)
    assert (vic.publish_notice_days, vic.change_notice_days, vic.short_notice_publish) == (28, 14, "warn")
    assert "VIC3" in vic.source and "VIC4" in vic.source
    data = pack("min_rest", {"hours": 10})
    data["roster_changes"] = {"short_notice_publish": "refuse", "change_cost": 2}
    policy = parse_pack(data).changes
    got = (policy.short_notice_publish, policy.change_cost, policy.short_notice_change_cost)
    assert got == ("refuse", 2, 10)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"publish_notice_days": -1}, "roster_changes: param 'publish_notice_days' must be at least 0"),
        ({"short_notice_publish": "maybe"}, "param 'short_notice_publish' must be warn or refuse"),
        ({"swap_auto_approve": "yes"}, "param 'swap_auto_approve' must be true or false"),
        ({"notice": 3}, "roster_changes: param 'notice' is unknown"),
        ({"change_cost": 20, "short_notice_change_cost": 5}, "'change_cost' (20) is above"),
        ([1, 2], "roster_changes must be a mapping"),
    ],
)
def test_change_policy_is_checked(changes: object, message: str) -> None:
    data = pack("min_rest", {"hours": 10})
    data["roster_changes"] = changes
    found = problems(data)
    assert any(message in line for line in found), found
