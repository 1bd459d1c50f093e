"""The bad-input corpus through the Dagster assets: every case about the department's tables or the
rule pack also runs the asset that reads them (`ingest_department`, or `weekly_roster` for rule
packs). Bad input fails the run with one `dagster.Failure` (no other exception) whose description
carries the same table, row and column message the CLI prints, and nothing is written: no
warehouse file. Input a user would expect to be accepted materialises.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from test_corpus import CASES, HERE, load_case, write_department

from roster_pipeline.defs.common.partitions import FIRST_WEEK
from roster_pipeline.defs.common.resources import DepartmentSource, SolverSettings, WarehouseResource
from roster_pipeline.defs.rosters.assets import ingest_department, weekly_roster


def applies(case: dict) -> bool:
    """A case about the department files or the rule pack, not about a roster file or CLI options."""
    return (
        case["command"] in ("solve", "validate")
        and case["expect"]["exit"] in (0, 2)
        and "roster" not in case
        and "args" not in case
        and case.get("weeks") != "own"
        and any(key in case for key in ("edits", "workbook", "workbook_text", "pack"))
    )


DAGSTER_CASES = [p for p in CASES if applies(load_case(p))]


def resources(department: Path, warehouse: Path, pack: Path) -> dict:
    settings = SolverSettings(
        rule_pack=str(pack), time_limit=1.0, workers=1, seed=0, deterministic=True, first_week=FIRST_WEEK
    )
    return {
        "department": DepartmentSource(path=str(department)),
        "warehouse": WarehouseResource(duckdb_path=str(warehouse)),
        "solver": settings,
    }


def materialise(case: dict, tmp: Path) -> dg.ExecuteInProcessResult:
    """The asset that reads the case's input: weekly_roster for a rule pack, else ingest_department."""
    department = write_department(case, tmp / "department")
    pack = HERE / "pack.yaml"
    asset = ingest_department
    if "pack" in case:
        pack = tmp / "pack.yaml"
        pack.write_bytes(case["pack"].encode(case.get("pack_encoding", "utf-8")))
        asset = weekly_roster
    return dg.materialize(
        [asset],
        partition_key=f"sample|{FIRST_WEEK}",  # both are partitioned by department and week
        resources=resources(department, tmp / "w.duckdb", pack),
        raise_on_error=False,
    )


@pytest.mark.parametrize("path", DAGSTER_CASES, ids=[p.stem for p in DAGSTER_CASES])
def test_case_through_the_assets(path: Path, tmp_path: Path) -> None:
    case = load_case(path)
    result = materialise(case, tmp_path)
    if case["expect"]["exit"] == 0:
        assert result.success
        return
    assert not result.success
    (failure,) = result.get_step_failure_events()
    error = failure.step_failure_data.error
    assert error is not None and error.cls_name == "Failure", error and error.to_string()
    description = failure.step_failure_data.user_failure_data.description
    for message in case["expect"]["messages"]:
        assert message in description, f"expected {message!r} in:\n{description}"
    assert not (tmp_path / "w.duckdb").exists()  # nothing written


def test_the_assets_see_most_of_the_corpus() -> None:
    """Every department-table and rule-pack class of the corpus reaches the assets."""
    assert len(DAGSTER_CASES) >= 40
    assert sum("pack" in load_case(p) for p in DAGSTER_CASES) >= 7
