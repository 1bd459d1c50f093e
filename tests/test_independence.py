"""The independent checkers share no rule interpretation with the engines they judge (issue 14).

One test function per checker and way of looking: the imports (read with `ast`, followed
transitively inside `roster_pipeline`) and the calls made at run time.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from roster_pipeline.core import domain, rules
from roster_pipeline.core.domain import Department, Horizon, ShiftType
from roster_pipeline.core.rules import Rule, RulePack
from roster_pipeline.validator import validate_roster

from factories import START, full_pack, horizon, random_department

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "roster_pipeline"

# What the roster validator may take from the engine's core: data classes read as data (the raw
# tables, the horizon's start and length, a rule's fields) and cell coercion. Nothing that reads
# the tables for the rules (registrars, shift types, cover, history, leave, rule scopes).
VALIDATOR_MAY_IMPORT = {
    "roster_pipeline.core.domain": {"Department", "Horizon", "as_date"},
    "roster_pipeline.core.rules": {"Rule", "RulePack"},
}
ENGINE_PACKAGES = ("roster_pipeline.solver",)


def module_file(module: str) -> Path | None:
    """The source file of a module of this repository (None for third-party modules)."""
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def package_modules(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in folder.rglob("*.py")
    )


def imports(module: str) -> Iterator[tuple[str, str | None]]:
    """(imported module, imported name or None for a whole-module import) of one module's source."""
    path = module_file(module)
    assert path is not None, module
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub, None) if module_file(sub) is not None else (base, alias.name)


def reached(start: list[str]) -> dict[str, set[tuple[str, str | None]]]:
    """Every repository module reached from `start` by imports, with what each imports."""
    seen: dict[str, set[tuple[str, str | None]]] = {}
    todo = list(start)
    while todo:
        module = todo.pop()
        if module in seen or module_file(module) is None:
            continue
        seen[module] = set(imports(module))
        todo += [target for target, _ in seen[module] if target.split(".")[0] in (PACKAGE, "data_contracts")]
    return seen


def test_roster_validator_imports_no_solver_and_only_data_from_core() -> None:
    own = package_modules("roster_pipeline.validator")
    assert "roster_pipeline.validator.department" in own  # its own reading of the tables
    graph = reached(own)
    engine = sorted(m for m in graph if m.startswith(ENGINE_PACKAGES))
    assert engine == [], f"the validator reaches engine code: {engine}"
    taken: dict[str, set[str]] = {}
    for module in own:
        for target, name in graph[module]:
            if target in VALIDATOR_MAY_IMPORT:
                assert name is not None, f"{module} imports the whole module {target}"
                taken.setdefault(target, set()).add(name)
    for target, names in taken.items():
        extra = names - VALIDATOR_MAY_IMPORT[target]
        assert not extra, f"the validator imports {sorted(extra)} from {target}: interpretation, not data"
    assert taken == VALIDATOR_MAY_IMPORT  # the list stays exact: drop a name that is no longer used


def forbidden(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the validator called the engine's interpretation")


# Every piece of the engine's reading of the tables and of rule scopes.
INTERPRETATION = [
    (Department, "registrars"),
    (Department, "shift_types"),
    (Department, "sites"),
    (Department, "public_holidays"),
    (Department, "leave_days"),
    (Department, "history_before"),
    (Department, "known_start"),
    (Department, "history_total"),
    (Department, "cover_demands"),
    (Department, "table"),
    (ShiftType, "minutes"),
    (ShiftType, "interval"),
    (Horizon, "days"),
    (Horizon, "end"),
    (Horizon, "__contains__"),
    (Rule, "applies"),
    (RulePack, "of_type"),
    (domain, "cover_rank"),
    (domain, "split_list"),
    (domain, "parse_hhmm"),
]


@pytest.mark.parametrize("seed", [4, 9])
def test_roster_validator_never_calls_the_engine_interpretation(monkeypatch, seed: int) -> None:
    pack = full_pack()
    weeks = 2
    roster = pd.DataFrame(
        [
            {"registrar_id": f"R{i:02d}", "date": START + dt.timedelta(days=k), "shift": code}
            for i in range(1, 6)
            for k, code in enumerate(["D-A", "E-A", "N-A", "", "N-B", "D-B", "E-B"] * weeks)
            if (i + k) % 3
        ]
    )
    expected = validate_roster(
        random_department(seed, registrars=5, weeks=weeks), pack, horizon(weeks), roster
    )
    assert expected.violations, "the roster should break some rules, or the comparison shows little"
    for owner, name in INTERPRETATION:
        is_property = isinstance(getattr(owner, name, None), property) or name in (
            "registrars",
            "shift_types",
            "sites",
            "public_holidays",
            "days",
            "end",
        )
        monkeypatch.setattr(owner, name, property(forbidden) if is_property else forbidden)
    assert rules.Rule.applies is forbidden
    department = random_department(seed, registrars=5, weeks=weeks)
    report = validate_roster(department, pack, Horizon(START, weeks), roster)
    assert report == expected
