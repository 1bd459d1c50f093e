"""User data into the assets: the department through its data contracts and the rule pack, each
read by the same functions as the CLI. Bad input is one `dg.Failure` whose description is the message
the CLI prints (table, row, column), raised before anything is solved or written."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from data_contracts import ContractError, validate_department
from roster_pipeline.core.rules import RulePack, RulePackError, load_pack
from roster_pipeline.defs.common.resources import DepartmentSource


def problems_metadata(problems: list) -> dict[str, dg.MetadataValue]:
    """The problem list as a table (table, row, column, message) for the run page."""
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn("table", "string"),
            dg.TableColumn("row", "string"),
            dg.TableColumn("column", "string"),
            dg.TableColumn("message", "string"),
        ]
    )
    records = [
        dg.TableRecord(
            {
                "table": p.table,
                "row": "" if p.row is None else str(p.row),
                "column": p.column or "",
                "message": p.message,
            }
        )
        for p in problems[:200]
    ]
    return {
        "problem_count": dg.MetadataValue.int(len(problems)),
        "problems": dg.MetadataValue.table(records=records, schema=schema),
    }


def contract_failure(problems: list, what: str) -> dg.Failure:
    text = "\n".join(str(p) for p in problems)
    return dg.Failure(
        description=f"{what} breaks the data contracts ({len(problems)} problems):\n{text}",
        metadata=problems_metadata(problems),
    )


def validated_tables(source: DepartmentSource, department: str | None = None) -> dict[str, pd.DataFrame]:
    """All of a department's tables through `validate_department`, or a `dg.Failure` listing the
    problems (table, row, column)."""
    where = source.path if department is None else f"{department} ({source.path})"
    try:
        return validate_department(source.read_raw(department))
    except ContractError as err:
        raise contract_failure(err.problems, f"department {where}") from err
    except (FileNotFoundError, ValueError) as err:  # no department there, or not a workbook/folder
        raise dg.Failure(description=f"department {where}: {err}") from err


def rule_pack(name: str) -> RulePack:
    """The solver settings' rule pack, or a `dg.Failure` listing its problems (the message the CLI
    prints), raised before anything is solved or written."""
    try:
        return load_pack(name)
    except RulePackError as err:
        raise dg.Failure(description=str(err)) from err
