"""dbt-like SQL models: each `dbt_like_sql/<name>.sql` (one SELECT) becomes an asset building the
warehouse table `<name>`. Dependencies are the tables the SQL reads, found by parsing it with
sqlglot: another model, or a warehouse fact table (written by `weekly_roster`)."""

from dataclasses import dataclass
from graphlib import TopologicalSorter
from importlib import resources
from pathlib import Path

import dagster as dg
import sqlglot
from sqlglot import exp

from roster_pipeline.core.warehouse import FACT_TABLES
from roster_pipeline.defs.common.pools import WAREHOUSE_POOL
from roster_pipeline.defs.common.resources import WarehouseResource
from roster_pipeline.defs.sql_models.checks import MODEL_CHECKS

# The models ship as package data of `dbt_like_sql`, so an installed wheel has them too.
SQL_DIR = Path(str(resources.files("dbt_like_sql")))
DIALECT = "duckdb"
FACT_TABLE_ASSET = "weekly_roster"  # every fact table is written by the weekly solve


@dataclass(frozen=True)
class SqlModel:
    name: str
    sql: str
    tables: tuple[str, ...]  # tables the SELECT reads (CTEs excluded)
    description: str


def referenced_tables(sql: str) -> tuple[str, ...]:
    """Names of the tables a statement reads, without its own CTE names (sqlglot AST, not regex)."""
    tree = sqlglot.parse_one(sql, read=DIALECT)
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    names = {table.name.lower() for table in tree.find_all(exp.Table) if table.name}
    return tuple(sorted(names - ctes))


def _description(sql: str) -> str:
    lines = [line[2:].strip() for line in sql.splitlines() if line.startswith("--")]
    return " ".join(lines) or "SQL model"


def load_models(folder: Path = SQL_DIR) -> list[SqlModel]:
    models = []
    for file in sorted(folder.glob("*.sql")):
        sql = file.read_text()
        models.append(SqlModel(file.stem, sql, referenced_tables(sql), _description(sql)))
    names = {m.name for m in models}
    for model in models:
        unknown = set(model.tables) - names - set(FACT_TABLES)
        if unknown:
            raise ValueError(f"{model.name}.sql reads unknown table(s) {sorted(unknown)}")
    return models


def _dependency(table: str, names: set[str]) -> dg.AssetKey:
    return dg.AssetKey(table) if table in names else dg.AssetKey(FACT_TABLE_ASSET)


def build_order(models: list[SqlModel]) -> list[SqlModel]:
    """Models sorted so each comes after the models it reads."""
    by_name = {m.name: m for m in models}
    graph = {m.name: {t for t in m.tables if t in by_name} for m in models}
    return [by_name[name] for name in TopologicalSorter(graph).static_order()]


def build_models_asset(folder: Path = SQL_DIR) -> dg.AssetsDefinition:
    """One asset per SQL file, built in dependency order in one step (subsettable), with the model
    checks of `checks.MODEL_CHECKS` inline."""
    models = build_order(load_models(folder))
    names = {m.name for m in models}
    specs = [
        dg.AssetSpec(
            m.name,
            deps=sorted({_dependency(t, names) for t in m.tables}, key=lambda k: k.to_user_string()),
            group_name="marts",
            kinds={"sql", "duckdb"},
            description=m.description,
            metadata={"sql_file": f"dbt_like_sql/{m.name}.sql", "reads": ", ".join(m.tables)},
            skippable=True,
        )
        for m in models
    ]
    check_specs = [
        dg.AssetCheckSpec(check, asset=asset, description=fn.__doc__)
        for (asset, check), fn in MODEL_CHECKS.items()
        if asset in names
    ]

    @dg.multi_asset(
        name="sql_models",
        specs=specs,
        check_specs=check_specs,
        can_subset=True,
        pool=WAREHOUSE_POOL,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def sql_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        wh = warehouse.open()
        selected = context.selected_asset_keys
        for model in models:
            if dg.AssetKey(model.name) not in selected:
                continue
            rows = wh.build_model(model.name, model.sql.strip().rstrip(";"))
            preview = wh.query(f"SELECT * FROM {model.name} LIMIT 10")
            yield dg.MaterializeResult(
                asset_key=model.name,
                metadata={
                    "dagster/row_count": int(rows),
                    "preview": dg.MetadataValue.md(preview.astype(str).to_markdown(index=False)),
                    "sql": dg.MetadataValue.md(f"```sql\n{model.sql.strip()}\n```"),
                },
            )
        for key in context.selected_asset_check_keys:
            result = MODEL_CHECKS[(key.asset_key.to_user_string(), key.name)](wh)
            yield dg.AssetCheckResult(
                asset_key=key.asset_key, check_name=key.name, passed=result.passed, metadata=result.metadata
            )

    return sql_models
