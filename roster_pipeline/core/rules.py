"""Rule packs: YAML files of rule instances over the engine's generic rule types."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from data_contracts.vocabulary import SHIFT_KINDS
from roster_pipeline.core.domain import Registrar

FAIRNESS_MEASURES = ("nights", "weekends", "public_holidays", "hours")
SELECTOR_KEYS = ("kinds", "shifts", "min_hours", "sites")
# No rule parameter of a real pack comes near this; larger values are typing errors.
LARGEST = 1_000_000


@dataclass(frozen=True)
class Param:
    """One rule parameter: `kind` is int (a whole number), number, bool, selector (a shift
    selector, spec §2), measure (a fairness measure), publish (warn or refuse) or text; numbers
    lie in `low..high` (`low` excluded when `above`)."""

    kind: str
    required: bool = False
    low: float = 0
    high: float = LARGEST
    above: bool = False


@dataclass(frozen=True)
class ParamSchema:
    """The parameters a rule type accepts: `order` pairs (a, b) need a <= b when both are set,
    `together` pairs are both set or both absent."""

    params: dict[str, Param] = field(default_factory=dict)
    order: tuple[tuple[str, str], ...] = ()
    together: tuple[tuple[str, str], ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, param in self.params.items() if param.required)


class RuleType(NamedTuple):
    """A rule type: its parameter schema and whether a pack may make it hard or soft."""

    schema: ParamSchema
    may_hard: bool
    may_soft: bool


def _schema(
    *order: tuple[str, str], together: tuple[tuple[str, str], ...] = (), **params: Param
) -> ParamSchema:
    return ParamSchema(params, order, together)


HOURS = Param("number", True, 0, 168, above=True)
COUNT = Param("int", True)
DAYS = Param("int", True, 1, 3660)
SELECTOR = Param("selector", True)
WEIGHT = Param("int")
NONE = ParamSchema()

RULE_TYPES: dict[str, RuleType] = {
    "min_rest": RuleType(_schema(hours=HOURS), True, True),
    "max_shift_length": RuleType(_schema(hours=Param("number", True, 0, 24, above=True)), True, True),
    "max_hours_rolling": RuleType(
        _schema(hours=Param("number", True, 0, LARGEST, True), days=DAYS), True, True
    ),
    "max_avg_weekly_hours": RuleType(_schema(hours=HOURS), True, True),
    "contract_hours": RuleType(
        _schema(
            ("min_fraction", "max_fraction"),
            min_fraction=Param("number", True, 0, 10),
            max_fraction=Param("number", True, 0, 10, above=True),
        ),
        True,
        True,
    ),
    "total_minutes": RuleType(
        _schema(("min_minutes", "max_minutes"), min_minutes=Param("int"), max_minutes=Param("int")),
        True,
        True,
    ),
    "max_consecutive_days": RuleType(_schema(max=COUNT), True, True),
    "min_consecutive_days": RuleType(_schema(min=COUNT), True, True),
    "min_consecutive_days_off": RuleType(_schema(min=COUNT), True, True),
    "max_consecutive_days_off": RuleType(_schema(max=COUNT), True, True),
    "run_shortfall": RuleType(
        _schema(min=Param("int", True, 1), selector=Param("selector"), off=Param("bool")), True, True
    ),
    "max_consecutive_kind": RuleType(
        _schema(
            selector=SELECTOR,
            max=COUNT,
            rest_hours=Param("number", False, 0, 168, above=True),
            min_run=Param("int", False, 1),
        ),
        True,
        True,
    ),
    "forbidden_succession": RuleType(_schema(**{"from": SELECTOR, "to": SELECTOR}), True, True),
    "max_shifts_of_type": RuleType(_schema(selector=SELECTOR, max=COUNT), True, True),
    "max_shifts_in_window": RuleType(_schema(selector=SELECTOR, max=COUNT, days=DAYS), True, True),
    "weekend_limit": RuleType(
        _schema(
            together=(("window", "max_in_window"),),
            max=Param("int"),
            window=Param("int", False, 1),
            max_in_window=Param("int"),
        ),
        True,
        True,
    ),
    "complete_weekends": RuleType(NONE, True, True),
    "days_off_per_window": RuleType(
        _schema(
            ("min_days_off", "window_days"),
            ("min_consecutive_off", "window_days"),
            window_days=DAYS,
            min_days_off=COUNT,
            min_consecutive_off=Param("int"),
            rolling=Param("bool"),
        ),
        True,
        True,
    ),
    "cover_limits": RuleType(NONE, True, True),
    "cover_target": RuleType(
        _schema(under_weight=Param("int", True), over_weight=Param("int", True)), False, True
    ),
    "approved_leave": RuleType(NONE, True, True),
    "requested_leave": RuleType(NONE, False, True),
    "training": RuleType(NONE, True, True),
    "requests": RuleType(NONE, False, True),
    "fairness": RuleType(
        _schema(
            measure=Param("measure", True),
            band=Param("number"),
            band_weight=WEIGHT,
            spread_weight=WEIGHT,
            deviation_weight=WEIGHT,
        ),
        False,
        True,
    ),
    "continuity": RuleType(_schema(kind_change=WEIGHT, site_change=WEIGHT, isolated=WEIGHT), False, True),
    "partners": RuleType(NONE, False, True),
    "site_preference": RuleType(NONE, False, True),
}
RULE_KEYS = (
    "id",
    "type",
    "hard",
    "weight",
    "params",
    "description",
    "source",
    "enabled",
    "applies_to",
    "priority",
)
SCOPE_KEYS = ("registrars", "grades", "skills")
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


PUBLISH_POLICIES = ("warn", "refuse")


@dataclass(frozen=True)
class ChangePolicy:
    """How a published roster may change (the pack's `roster_changes` section): the notice a
    published roster should give, the cost of each changed assignment by the notice it gives (a
    repair minimises these after every hard rule and cover), and when a swap needs a manager."""

    publish_notice_days: int = 28  # publish at least this many days before the roster starts
    short_notice_publish: str = "warn"  # below publish_notice_days: warn, or refuse to publish
    change_notice_days: int = 14  # a change starting within this many days is short notice
    change_cost: int = 1  # per changed assignment with at least change_notice_days' notice
    short_notice_change_cost: int = 10  # per changed assignment within change_notice_days
    swap_auto_approve: bool = True  # a swap breaking no rule nor fairness limit is approved at once
    swap_fairness_limit: float = 1.0  # a swap moving a fairness balance by more needs a manager
    source: str = ""


CHANGE_POLICY_SCHEMA = ParamSchema(
    {
        "publish_notice_days": Param("int", False, 0, 3660),
        "short_notice_publish": Param("publish"),
        "change_notice_days": Param("int", False, 0, 3660),
        "change_cost": Param("int", False, 0, LARGEST),
        "short_notice_change_cost": Param("int", False, 0, LARGEST),
        "swap_auto_approve": Param("bool"),
        "swap_fairness_limit": Param("number", False, 0, 1000),
        "source": Param("text"),
    },
    order=(("change_cost", "short_notice_change_cost"),),
)


@dataclass(frozen=True)
class RulePack:
    """A named, versioned set of rules and the policy for changing a published roster."""

    id: str
    name: str
    version: str
    description: str
    rules: tuple[Rule, ...]
    changes: ChangePolicy = field(default_factory=ChangePolicy)

    def of_type(self, rule_type: str) -> list[Rule]:
        return [r for r in self.rules if r.type == rule_type]


def _rule_problems(index: int, raw: object) -> list[str]:
    """Every problem of one raw rule: keys, type, hard/soft, weight, priority, scope and params."""
    if not isinstance(raw, dict):
        return [f"rules[{index}]: is not a mapping of keys such as id, type, params"]
    where = f"rules[{index}] ({raw.get('id', '?')})"
    problems = [
        f"{where}: unknown key {k!r}; known: {', '.join(RULE_KEYS)}" for k in raw if k not in RULE_KEYS
    ]
    if "id" not in raw:
        problems.append(f"{where}: missing id")
    elif not isinstance(raw["id"], str | int) or isinstance(raw["id"], bool):
        problems.append(
            f"{where}: id {raw['id']!r} is not text (YAML reads off, no, yes as booleans): quote it"
        )
    rule_type = raw.get("type")
    if rule_type not in RULE_TYPES:
        return [*problems, f"{where}: unknown type {rule_type!r}; known: {', '.join(sorted(RULE_TYPES))}"]
    schema, may_hard, may_soft = RULE_TYPES[rule_type]
    hard = raw.get("hard", False)
    if not isinstance(hard, bool):
        problems.append(f"{where}: hard must be true or false, not {hard!r}")
    elif hard and not may_hard:
        problems.append(f"{where}: type {rule_type} can only be soft")
    elif not hard and not may_soft:
        problems.append(f"{where}: type {rule_type} can only be hard")
    weight = raw.get("weight", 0)
    if not _is_int(weight) or not 0 <= weight <= LARGEST:
        problems.append(f"{where}: weight must be a whole number 0..{LARGEST}, not {weight!r}")
    priority = raw.get("priority", 1)
    if not _is_int(priority) or priority < 1:
        problems.append(f"{where}: priority must be a positive whole number, not {priority!r}")
    problems += [f"{where}: {p}" for p in _scope_problems(raw.get("applies_to"))]
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        return [*problems, f"{where}: params must be a mapping, not {params!r}"]
    return problems + [f"{where}: {p}" for p in param_problems(schema, params)]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scope_problems(scope: object) -> list[str]:
    if scope is None:
        return []
    if not isinstance(scope, dict):
        return [f"applies_to must be a mapping of {', '.join(SCOPE_KEYS)}"]
    problems = [
        f"applies_to: unknown key {k!r}; known: {', '.join(SCOPE_KEYS)}" for k in scope if k not in SCOPE_KEYS
    ]
    problems += [f"applies_to.{k} must be a list" for k, v in scope.items() if not isinstance(v, list)]
    return problems


def param_problems(schema: ParamSchema, params: dict[str, Any]) -> list[str]:
    """Every problem of a rule's params against its type's schema (unknown, missing, type, range,
    relations); optional params may be absent or null."""
    known = ", ".join(schema.params) or "none"
    problems = [f"param {k!r} is unknown; known: {known}" for k in params if k not in schema.params]
    problems += [f"param {k!r} is missing" for k in schema.required if params.get(k) is None]
    for name, param in schema.params.items():
        if params.get(name) is not None:
            problems += [f"param {name!r} {p}" for p in value_problems(param, params[name])]
    if problems:
        return problems
    for a, b in schema.order:
        if params.get(a) is not None and params.get(b) is not None and params[a] > params[b]:
            problems.append(f"param {a!r} ({params[a]}) is above param {b!r} ({params[b]})")
    for a, b in schema.together:
        if (params.get(a) is None) != (params.get(b) is None):
            problems.append(f"params {a!r} and {b!r} go together: set both or neither")
    return problems


def value_problems(param: Param, value: object) -> list[str]:
    """What is wrong with one parameter value (empty when it fits)."""
    if param.kind == "bool":
        return [] if isinstance(value, bool) else [f"must be true or false, not {value!r}"]
    if param.kind == "measure":
        return (
            []
            if value in FAIRNESS_MEASURES
            else [f"must be one of {', '.join(FAIRNESS_MEASURES)}, not {value!r}"]
        )
    if param.kind == "selector":
        return selector_problems(value)
    if param.kind == "publish":
        return [] if value in PUBLISH_POLICIES else [f"must be warn or refuse, not {value!r}"]
    if param.kind == "text":
        return [] if isinstance(value, str) else [f"must be text, not {value!r}"]
    if param.kind == "int" and not _is_int(value):
        return [f"must be a whole number, not {value!r}"]
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
        return [f"must be a number, not {value!r}"]
    low = f"above {param.low:g}" if param.above else f"at least {param.low:g}"
    if value < param.low or (param.above and value == param.low) or value > param.high:
        return [f"must be {low} and at most {param.high:g}, not {value!r}"]
    return []


def selector_problems(value: object) -> list[str]:
    """What is wrong with a shift selector (spec §2: kinds, shifts, min_hours, sites)."""
    if not isinstance(value, dict):
        return [f"must be a shift selector (a mapping of {', '.join(SELECTOR_KEYS)}), not {value!r}"]
    problems = [
        f"has unknown key {k!r}; known: {', '.join(SELECTOR_KEYS)}" for k in value if k not in SELECTOR_KEYS
    ]
    for key in ("kinds", "shifts", "sites"):
        items = value.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, str) for i in items)):
            problems.append(f"{key} must be a list of names, not {items!r}")
    for kind in value.get("kinds") or []:
        if isinstance(kind, str) and kind not in SHIFT_KINDS:
            problems.append(f"kinds: {kind!r} is not a shift kind ({', '.join(SHIFT_KINDS)})")
    if value.get("min_hours") is not None:
        problems += [
            f"min_hours {p}" for p in value_problems(Param("number", True, 0, 24), value["min_hours"])
        ]
    return problems


def parse_pack(data: dict[str, Any], origin: str = "<pack>") -> RulePack:
    """Build a RulePack from parsed YAML, raising RulePackError listing every problem."""
    if not isinstance(data, dict):
        raise RulePackError(f"rule pack {origin}: is not a mapping with id, version and rules")
    problems: list[str] = []
    for key in ("id", "version", "rules"):
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise RulePackError(f"rule pack {origin}: rules must be a list of rules")
    seen: set[str] = set()
    rules: list[Rule] = []
    for i, raw in enumerate(raw_rules):
        found = _rule_problems(i, raw)
        if not isinstance(raw, dict):
            problems.extend(found)
            continue
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
    changes = data.get("roster_changes") or {}
    if not isinstance(changes, dict):
        problems.append("roster_changes must be a mapping of policy keys")
        changes = {}
    problems += [f"roster_changes: {p}" for p in param_problems(CHANGE_POLICY_SCHEMA, changes)]
    if problems:
        raise RulePackError(f"rule pack {origin}:\n  " + "\n  ".join(problems))
    return RulePack(
        id=str(data["id"]),
        name=str(data.get("name", data["id"])),
        version=str(data["version"]),
        description=str(data.get("description", "")),
        rules=tuple(rules),
        changes=ChangePolicy(**changes),
    )


def available_packs() -> list[str]:
    """Names of the rule packs shipped with the package."""
    folder = resources.files("roster_pipeline.core") / PACKS_DIR
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def pack_data(name_or_path: str) -> Any:
    """The parsed YAML of a shipped pack (by name) or of any YAML file (by path), unchecked."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return _read_yaml(path.read_bytes(), str(path))
    shipped = resources.files("roster_pipeline.core") / PACKS_DIR / f"{name_or_path}.yaml"
    if not shipped.is_file():
        raise RulePackError(f"no rule pack {name_or_path!r}; shipped packs: {', '.join(available_packs())}")
    return _read_yaml(shipped.read_bytes(), name_or_path)


def load_pack(name_or_path: str) -> RulePack:
    """Load a shipped pack by name (`au-vic`) or any YAML file by path."""
    return parse_pack(pack_data(name_or_path), name_or_path)


def _read_yaml(data: bytes, origin: str) -> Any:
    """Parsed YAML (UTF-8, a byte-order mark allowed), or `RulePackError` naming the line."""
    try:
        return yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RulePackError(f"rule pack {origin} line {line}: not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as error:
        raise RulePackError(f"rule pack {origin}: not valid YAML: {error}") from None
