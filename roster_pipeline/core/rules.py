"""Rule packs: YAML files of rule instances over the engine's generic rule types."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from roster_pipeline.core.domain import Registrar

# type -> (required params, may be hard, may be soft)
RULE_TYPES: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "min_rest": (("hours",), True, True),
    "max_shift_length": (("hours",), True, True),
    "max_hours_rolling": (("hours", "days"), True, True),
    "max_avg_weekly_hours": (("hours",), True, True),
    "contract_hours": (("min_fraction", "max_fraction"), True, True),
    "total_minutes": ((), True, True),
    "max_consecutive_days": (("max",), True, True),
    "min_consecutive_days": (("min",), True, True),
    "min_consecutive_days_off": (("min",), True, True),
    "max_consecutive_kind": (("selector", "max"), True, True),
    "forbidden_succession": (("from", "to"), True, True),
    "max_shifts_of_type": (("selector", "max"), True, True),
    "max_shifts_in_window": (("selector", "max", "days"), True, True),
    "weekend_limit": ((), True, True),
    "days_off_per_window": (("window_days", "min_days_off"), True, True),
    "cover_limits": ((), True, True),
    "cover_target": (("under_weight", "over_weight"), False, True),
    "approved_leave": ((), True, True),
    "requested_leave": ((), False, True),
    "training": ((), True, True),
    "requests": ((), False, True),
    "fairness": (("measure",), False, True),
    "continuity": ((), False, True),
    "partners": ((), False, True),
    "site_preference": ((), False, True),
}
FAIRNESS_MEASURES = ("nights", "weekends", "public_holidays", "hours")
# Soft rule types optimised first (priority 1) unless a pack says otherwise; the rest are priority 2.
PRIMARY_TYPES = ("cover_target", "requests", "requested_leave", "fairness")
PACKS_DIR = "rule_packs"


class RulePackError(ValueError):
    """A rule pack that cannot be used, with every problem listed."""


@dataclass(frozen=True)
class Rule:
    """One rule instance of a pack."""

    id: str
    type: str
    hard: bool
    weight: int
    params: dict[str, Any]
    description: str = ""
    source: str = ""
    applies_to: dict[str, list[str]] = field(default_factory=dict)
    priority: int = 1

    def applies(self, registrar: Registrar) -> bool:
        """Whether this rule covers `registrar` (no `applies_to` means everyone)."""
        if not self.applies_to:
            return True
        scope = self.applies_to
        return (
            registrar.registrar_id in scope.get("registrars", [])
            or registrar.grade in scope.get("grades", [])
            or any(s in registrar.skills for s in scope.get("skills", []))
        )


@dataclass(frozen=True)
class RulePack:
    """A named, versioned set of rules."""

    id: str
    name: str
    version: str
    description: str
    rules: tuple[Rule, ...]

    def of_type(self, rule_type: str) -> list[Rule]:
        return [r for r in self.rules if r.type == rule_type]


def _rule_problems(index: int, raw: dict[str, Any]) -> list[str]:
    where = f"rules[{index}] ({raw.get('id', '?')})"
    rule_type = raw.get("type")
    if rule_type not in RULE_TYPES:
        return [f"{where}: unknown type {rule_type!r}; known: {', '.join(sorted(RULE_TYPES))}"]
    required, may_hard, may_soft = RULE_TYPES[rule_type]
    problems = [f"{where}: missing param {p!r}" for p in required if p not in (raw.get("params") or {})]
    hard = bool(raw.get("hard", False))
    if hard and not may_hard:
        problems.append(f"{where}: type {rule_type} can only be soft")
    if not hard and not may_soft:
        problems.append(f"{where}: type {rule_type} can only be hard")
    weight = raw.get("weight", 0)
    if not isinstance(weight, int) or weight < 0:
        problems.append(f"{where}: weight must be a non-negative integer")
    if rule_type == "fairness" and (raw.get("params") or {}).get("measure") not in FAIRNESS_MEASURES:
        problems.append(f"{where}: fairness measure must be one of {FAIRNESS_MEASURES}")
    if not isinstance(raw.get("priority", 1), int) or raw.get("priority", 1) < 1:
        problems.append(f"{where}: priority must be a positive integer")
    if "id" not in raw:
        problems.append(f"{where}: missing id")
    return problems


def parse_pack(data: dict[str, Any], origin: str = "<pack>") -> RulePack:
    """Build a RulePack from parsed YAML, raising RulePackError listing every problem."""
    problems: list[str] = []
    for key in ("id", "version", "rules"):
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    raw_rules = data.get("rules") or []
    seen: set[str] = set()
    rules: list[Rule] = []
    for i, raw in enumerate(raw_rules):
        found = _rule_problems(i, raw)
        if raw.get("id") in seen:
            found.append(f"rules[{i}]: duplicate id {raw.get('id')!r}")
        seen.add(raw.get("id"))
        problems.extend(found)
        if found or not raw.get("enabled", True):
            continue
        rules.append(
            Rule(
                id=str(raw["id"]),
                type=str(raw["type"]),
                hard=bool(raw.get("hard", False)),
                weight=int(raw.get("weight", 0)),
                params=dict(raw.get("params") or {}),
                description=str(raw.get("description", "")),
                source=str(raw.get("source", "")),
                applies_to={k: [str(v) for v in vs] for k, vs in (raw.get("applies_to") or {}).items()},
                priority=int(raw.get("priority", 1 if raw["type"] in PRIMARY_TYPES else 2)),
            )
        )
    if problems:
        raise RulePackError(f"rule pack {origin}:\n  " + "\n  ".join(problems))
    return RulePack(
        id=str(data["id"]),
        name=str(data.get("name", data["id"])),
        version=str(data["version"]),
        description=str(data.get("description", "")),
        rules=tuple(rules),
    )


def available_packs() -> list[str]:
    """Names of the rule packs shipped with the package."""
    folder = resources.files("roster_pipeline.core") / PACKS_DIR
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_pack(name_or_path: str) -> RulePack:
    """Load a shipped pack by name (`au-vic`) or any YAML file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return parse_pack(yaml.safe_load(path.read_text()), str(path))
    shipped = resources.files("roster_pipeline.core") / PACKS_DIR / f"{name_or_path}.yaml"
    if not shipped.is_file():
        raise RulePackError(f"no rule pack {name_or_path!r}; shipped packs: {', '.join(available_packs())}")
    return parse_pack(yaml.safe_load(shipped.read_text()), name_or_path)
