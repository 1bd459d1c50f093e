"""The roster warehouse: four fact tables written per week, plus SQL models built on top.

`Warehouse` is the interface the Dagster assets use; `DuckDBWarehouse` implements it on one DuckDB
file. A Postgres implementation only has to provide the same methods (the SQL is plain ANSI apart
from `CREATE OR REPLACE TABLE`). No Dagster imports here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

# table -> (column, SQL type); every table carries week_start, the Monday of the week it belongs to.
TABLES: dict[str, list[tuple[str, str]]] = {
    "roster_assignments": [
        ("week_start", "DATE"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift", "VARCHAR"),
        ("site", "VARCHAR"),
        ("start_at", "TIMESTAMP"),
        ("end_at", "TIMESTAMP"),
        ("hours", "DOUBLE"),
    ],
    "solve_runs": [
        ("week_start", "DATE"),
        ("status", "VARCHAR"),
        ("objective", "DOUBLE"),
        ("bound", "DOUBLE"),
        ("gap", "DOUBLE"),
        ("seconds", "DOUBLE"),
        ("seed", "INTEGER"),
        ("workers", "INTEGER"),
        ("time_limit", "DOUBLE"),
        ("input_hash", "VARCHAR"),
        ("rule_pack", "VARCHAR"),
        ("rule_pack_version", "VARCHAR"),
        ("hard_violations", "INTEGER"),
        ("soft_penalty", "BIGINT"),
        ("requests_total", "INTEGER"),
        ("requests_honoured", "INTEGER"),
        ("diagnosis", "VARCHAR"),
        ("run_id", "VARCHAR"),
    ],
    "rule_violations": [
        ("week_start", "DATE"),
        ("rule_id", "VARCHAR"),
        ("rule_type", "VARCHAR"),
        ("hard", "BOOLEAN"),
        ("registrar_id", "VARCHAR"),
        ("first_date", "DATE"),
        ("last_date", "DATE"),
        ("dates", "VARCHAR"),
        ("units", "INTEGER"),
        ("penalty", "BIGINT"),
        ("message", "VARCHAR"),
    ],
    "fairness_ledger": [
        ("week_start", "DATE"),
        ("registrar_id", "VARCHAR"),
        ("fte", "DOUBLE"),
        ("available_days", "INTEGER"),
        ("nights", "INTEGER"),
        ("weekends", "INTEGER"),
        ("public_holidays", "INTEGER"),
        ("hours", "DOUBLE"),
        ("cum_nights", "INTEGER"),
        ("cum_weekends", "INTEGER"),
        ("cum_public_holidays", "INTEGER"),
        ("cum_hours", "DOUBLE"),
        ("nights_balance", "DOUBLE"),
        ("weekends_balance", "DOUBLE"),
        ("public_holidays_balance", "DOUBLE"),
        ("hours_balance", "DOUBLE"),
    ],
    "cover_status": [
        ("week_start", "DATE"),
        ("date", "DATE"),
        ("shift", "VARCHAR"),
        ("site", "VARCHAR"),
        ("skill", "VARCHAR"),
        ("min", "INTEGER"),
        ("target", "INTEGER"),
        ("max", "INTEGER"),
        ("assigned", "INTEGER"),
    ],
}
FACT_TABLES = tuple(TABLES)

# The living roster's tables: rows are only ever inserted (`append`); no version, state change or
# audit entry is updated or deleted, and `replace_rows` / `build_model` refuse these names.
APPEND_ONLY: dict[str, list[tuple[str, str]]] = {
    "roster_versions": [
        ("version_id", "VARCHAR"),
        ("department", "VARCHAR"),
        ("parent_id", "VARCHAR"),
        ("horizon_start", "DATE"),
        ("weeks", "INTEGER"),
        ("created_at", "TIMESTAMP"),
        ("created_by", "VARCHAR"),
        ("cause", "VARCHAR"),
        ("rule_pack", "VARCHAR"),
        ("rule_pack_version", "VARCHAR"),
        ("input_hash", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("seed", "INTEGER"),
        ("content_hash", "VARCHAR"),
        ("assignments", "INTEGER"),
    ],
    "version_assignments": [
        ("version_id", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift", "VARCHAR"),
    ],
    "version_states": [
        ("version_id", "VARCHAR"),
        ("state", "VARCHAR"),
        ("recorded_at", "TIMESTAMP"),
        ("actor", "VARCHAR"),
        ("note", "VARCHAR"),
    ],
    "audit_log": [
        ("recorded_at", "TIMESTAMP"),
        ("actor", "VARCHAR"),
        ("action", "VARCHAR"),
        ("department", "VARCHAR"),
        ("version_id", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift_before", "VARCHAR"),
        ("shift_after", "VARCHAR"),
        ("cause", "VARCHAR"),
        ("rule_pack_version", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("reason", "VARCHAR"),  # why the cell changed, as its registrar's colleagues may read it
    ],
    "notices": [  # one row per changed assignment a registrar is told about
        ("recorded_at", "TIMESTAMP"),
        ("department", "VARCHAR"),
        ("version_id", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift_before", "VARCHAR"),
        ("shift_after", "VARCHAR"),
        ("notice_days", "INTEGER"),
        ("short_notice", "BOOLEAN"),
        ("cause", "VARCHAR"),
        ("reason", "VARCHAR"),
    ],
}


class AppendOnlyError(ValueError):
    """An attempt to replace, rebuild or write unknown columns into an append-only table."""


class ReadOnlyQueryError(ValueError):
    """A statement other than a query sent to `Warehouse.query` (an update, delete, drop, ...)."""


def _refuse_append_only(tables: Sequence[str] | Mapping[str, Any]) -> None:
    touched = sorted(set(tables) & set(APPEND_ONLY))
    if touched:
        raise AppendOnlyError(f"{', '.join(touched)}: append-only, rows are never replaced or deleted")


def refuse_writes(sql: str) -> None:
    """Raise ReadOnlyQueryError unless every statement of `sql` is a query (SELECT, WITH, UNION)."""
    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise ReadOnlyQueryError(f"not a query: {error}") from error
    kinds = [type(s).__name__ for s in statements if not isinstance(s, exp.Query)]
    if kinds:
        raise ReadOnlyQueryError(f"{', '.join(kinds)} refused: Warehouse.query only reads")


def columns(table: str) -> list[str]:
    return [name for name, _ in TABLES[table]]


class Warehouse(Protocol):
    """What the pipeline needs from a warehouse (DuckDB now, Postgres later)."""

    def ensure_schema(self) -> None: ...

    def replace_week(self, week_start: dt.date, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
        """Delete the week's rows from every fact table and insert `frames`, in one transaction."""
        ...

    def replace_rows(
        self,
        key: Mapping[str, Any],
        frames: Mapping[str, pd.DataFrame],
        schema: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    ) -> dict[str, int]:
        """Replace the rows matching `key` in each table, in one transaction."""
        ...

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame: ...

    def build_model(self, name: str, select_sql: str) -> int:
        """(Re)build table `name` from a SELECT; returns its row count."""
        ...

    def table_names(self) -> list[str]: ...

    def append(self, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
        """Insert rows into append-only tables (`APPEND_ONLY`), all in one transaction."""
        ...


def _insert(con: Any, table: str, frame: pd.DataFrame) -> int:
    """Insert `frame` (its columns are the table's, in order) into `table`; the row count."""
    if len(frame):
        con.register("incoming", frame)
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
        con.unregister("incoming")
    return len(frame)


class DuckDBWarehouse:
    """The warehouse in one DuckDB file. Each call opens and closes its own connection, so the file
    lock is held only while writing (DuckDB allows a single writer process)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._schema_ready = False

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path)
        try:
            yield con
        finally:
            con.close()

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self.connect() as con:
            for table, cols in TABLES.items():
                body = ", ".join(f'"{name}" {kind}' for name, kind in cols)
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
        self._schema_ready = True

    def replace_week(self, week_start: dt.date, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
        unknown = set(frames) - set(TABLES)
        if unknown:
            raise ValueError(f"not warehouse fact tables: {sorted(unknown)}")
        self.ensure_schema()
        every = {t: frames.get(t, pd.DataFrame(columns=columns(t))) for t in TABLES}
        return self.replace_rows({"week_start": week_start}, every)

    def replace_rows(
        self,
        key: Mapping[str, Any],
        frames: Mapping[str, pd.DataFrame],
        schema: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    ) -> dict[str, int]:
        """In one transaction, replace the rows matching `key` in each table by its frame.

        Tables named in `schema` are created with those typed columns when missing; any other
        missing table takes the frame's columns. Re-running with the same frames changes nothing.
        """
        _refuse_append_only(frames)
        counts: dict[str, int] = {}
        where = " AND ".join(f'"{column}" = ?' for column in key)
        with self.connect() as con:
            for table, cols in (schema or {}).items():
                body = ", ".join(f'"{name}" {kind}' for name, kind in cols)
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
            con.execute("BEGIN TRANSACTION")
            try:
                for table, frame in frames.items():
                    incoming = frame.assign(**key)
                    con.register("incoming", incoming)
                    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM incoming WHERE false")
                    con.unregister("incoming")
                    con.execute(f"DELETE FROM {table} WHERE {where}", list(key.values()))
                    names = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
                    counts[table] = _insert(con, table, incoming.reindex(columns=names))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return counts

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """The rows of a read-only query (anything but SELECT is refused: writes go through
        replace_week, replace_rows, build_model and append, so append-only tables stay so)."""
        refuse_writes(sql)
        self.ensure_schema()
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def build_model(self, name: str, select_sql: str) -> int:
        _refuse_append_only([name])
        self.ensure_schema()
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f"CREATE OR REPLACE TABLE {name} AS {select_sql}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])

    def append(self, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
        """Insert each frame into its append-only table (created on first use), in one transaction.
        The frame's columns must be exactly the table's: nothing is guessed."""
        unknown = sorted(set(frames) - set(APPEND_ONLY))
        if unknown:
            raise AppendOnlyError(f"{', '.join(unknown)}: not append-only tables")
        for table, frame in frames.items():
            names = [name for name, _ in APPEND_ONLY[table]]
            if sorted(frame.columns) != sorted(names):
                raise AppendOnlyError(f"{table}: columns {sorted(frame.columns)} are not {sorted(names)}")
        counts: dict[str, int] = {}
        with self.connect() as con:
            for table, cols in APPEND_ONLY.items():
                body = ", ".join(f'"{name}" {kind}' for name, kind in cols)
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
                for name, kind in cols:  # a column added since the table was made: added, never dropped
                    con.execute(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{name}" {kind}')
            con.execute("BEGIN TRANSACTION")
            try:
                for table, frame in frames.items():
                    counts[table] = _insert(con, table, frame[[name for name, _ in APPEND_ONLY[table]]])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return counts

    def append_only_ready(self) -> None:
        """Create the append-only tables if missing (reads of an empty warehouse see no rows)."""
        self.append({})

    def table_names(self) -> list[str]:
        with self.connect() as con:
            rows = con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
        return [r[0] for r in rows]
