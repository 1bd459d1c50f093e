"""The warehouse on PostgreSQL (production): psycopg 3, COPY for bulk loads, one transaction per
partition, and append-only tables guarded by a trigger (and, once `provision` has run, privileges).

SQL arrives in DuckDB's dialect (the one the models and queries are written in) and is transpiled by
sqlglot. Concurrent writers of the same partition are serialised by a transaction-level advisory
lock on (table, key), so a delete-then-insert never interleaves with another and nothing is lost or
duplicated; writers of different partitions go in parallel.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd
import psycopg
import sqlglot
from psycopg import sql as pgsql
from sqlglot import exp

from roster_pipeline.core.warehouse.schema import (
    APPEND_ONLY,
    TABLES,
    WeekWrites,
    check_append_columns,
    refuse_append_only,
    refuse_writes,
)

SOURCE_DIALECT = "duckdb"
# DuckDB types sqlglot leaves as they are, with their Postgres equivalent.
_TYPE_FALLBACK = {"TIMESTAMP_NS": "TIMESTAMP", "TIMESTAMP_MS": "TIMESTAMP", "TIMESTAMP_S": "TIMESTAMP"}
_WIDE_INTEGERS = ("INT128", "UBIGINT", "UINT128", "HUGEINT")
# Postgres type OIDs whose values pandas should not keep as Python objects.
_DATE_OIDS = {1082, 1114, 1184}
_NUMERIC_OIDS = {20, 21, 23, 700, 701, 1700}
_REFUSE_FUNCTION = "roster_refuse_change"


def to_postgres(sql: str) -> str:
    """`sql` (DuckDB dialect, `?` placeholders) as Postgres SQL (`%s` placeholders)."""
    return ";\n".join(sqlglot.transpile(sql, read=SOURCE_DIALECT, write="postgres"))


def postgres_type(duckdb_type: str) -> str:
    """The Postgres column type for a DuckDB one (VARCHAR -> TEXT, DOUBLE -> DOUBLE PRECISION, ...)."""
    if duckdb_type.upper() in _TYPE_FALLBACK:
        return _TYPE_FALLBACK[duckdb_type.upper()]
    built = exp.DataType.build(duckdb_type, dialect=SOURCE_DIALECT).sql("postgres")
    return "NUMERIC" if built in _WIDE_INTEGERS else built


def frame_columns(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a frame, inferred the way the DuckDB engine infers them, so a table
    created from a frame has the same types on both engines."""
    con = duckdb.connect()
    try:
        con.register("incoming", frame)
        return [(row[0], row[1]) for row in con.execute("DESCRIBE SELECT * FROM incoming").fetchall()]
    finally:
        con.close()


def _ident(name: str) -> pgsql.Composable:
    return pgsql.Identifier(name)


def _create_table(table: str, cols: Sequence[tuple[str, str]]) -> pgsql.Composed:
    body = pgsql.SQL(", ").join(
        pgsql.SQL("{} {}").format(_ident(name), pgsql.SQL(postgres_type(kind))) for name, kind in cols
    )
    return pgsql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(_ident(table), body)


_INTEGER_TYPES = {"smallint", "integer", "bigint"}


def _whole(value: Any) -> Any:
    """A float with no fraction as an int (DuckDB casts 22.0 into an INTEGER column; COPY does not)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _records(frame: pd.DataFrame, integer_columns: Sequence[str] = ()) -> Iterable[tuple[Any, ...]]:
    """Rows as Python values, NaN and NaT as NULL (as DuckDB reads a pandas frame)."""
    clean = frame.astype(object).where(frame.notna(), None)
    for column in integer_columns:
        clean[column] = clean[column].map(_whole)
    return clean.itertuples(index=False, name=None)


def _copy(cur: psycopg.Cursor, table: str, frame: pd.DataFrame) -> int:
    """COPY `frame` into `table` (the frame's columns reordered and completed to the table's); the
    row count."""
    types = _column_types(cur, table)
    frame = frame.reindex(columns=list(types))
    if len(frame):
        cols = pgsql.SQL(", ").join(_ident(c) for c in frame.columns)
        statement = pgsql.SQL("COPY {} ({}) FROM STDIN").format(_ident(table), cols)
        integers = [c for c, kind in types.items() if kind in _INTEGER_TYPES]
        with cur.copy(statement) as copy:
            for row in _records(frame, integers):
                copy.write_row(row)
    return len(frame)


def _frame(cur: psycopg.Cursor) -> pd.DataFrame:
    """The cursor's rows as a frame typed like DuckDB's `.df()`: dates as datetime64, numbers numeric."""
    names = [d.name for d in cur.description or []]
    frame = pd.DataFrame.from_records(cur.fetchall(), columns=names)
    for d in cur.description or []:
        if d.type_code in _DATE_OIDS:  # microseconds, as DuckDB gives them
            frame[d.name] = pd.to_datetime(frame[d.name]).astype("datetime64[us]")
        elif d.type_code in _NUMERIC_OIDS and frame[d.name].dtype == object:
            frame[d.name] = pd.to_numeric(frame[d.name].astype(float))
    return frame


def _column_types(cur: psycopg.Cursor, table: str) -> dict[str, str]:
    """The table's columns in order, with their Postgres data types."""
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return dict(cur.fetchall())


def _lock(cur: psycopg.Cursor, *parts: object) -> None:
    """Hold an advisory lock on `parts` until the transaction ends (serialises same-key writers)."""
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["|".join(str(p) for p in parts)])


class PostgresWarehouse(WeekWrites):
    """The warehouse in a Postgres database named by a `postgresql://` URL. Each call is one
    connection and one transaction: a failed write leaves the previous rows as they were."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._schema_ready = False

    def __repr__(self) -> str:  # never the URL: it may carry a password
        return "PostgresWarehouse(<url>)"

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        """A connection whose block is one transaction (committed on success, rolled back on error)."""
        with psycopg.connect(self.url) as con:
            yield con

    def _table_exists(self, cur: psycopg.Cursor, table: str) -> bool:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return bool(cur.fetchone()[0])

    def _ensure_tables(
        self, tables: Mapping[str, Sequence[tuple[str, str]]], append_only: bool, add_columns: bool = True
    ) -> None:
        """Create missing tables and (with `add_columns`) add the columns missing from existing ones
        (rows before: NULL), under one DDL lock; append-only tables get their refusal trigger."""
        with self.connect() as con, con.cursor() as cur:
            missing = [t for t in tables if not self._table_exists(cur, t)]
            if not missing and not (add_columns and self._missing_columns(cur, tables)):
                return
            _lock(cur, "roster-ddl")
            for table in missing:
                cur.execute(_create_table(table, tables[table]))
                if append_only:
                    self._guard(cur, table)
            for table, name, kind in self._missing_columns(cur, tables) if add_columns else []:
                cur.execute(
                    pgsql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                        _ident(table), _ident(name), pgsql.SQL(postgres_type(kind))
                    )
                )

    def _missing_columns(
        self, cur: psycopg.Cursor, tables: Mapping[str, Sequence[tuple[str, str]]]
    ) -> list[tuple[str, str, str]]:
        cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            [list(tables)],
        )
        present = set(cur.fetchall())
        existing = {t for t, _ in present}
        return [
            (table, name, kind)
            for table, cols in tables.items()
            if table in existing
            for name, kind in cols
            if (table, name) not in present
        ]

    def _guard(self, cur: psycopg.Cursor, table: str) -> None:
        """A statement trigger that refuses UPDATE, DELETE and TRUNCATE on an append-only table."""
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {_REFUSE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        cur.execute(
            pgsql.SQL(
                "CREATE OR REPLACE TRIGGER {} BEFORE UPDATE OR DELETE OR TRUNCATE ON {} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(_ident(f"{table}_append_only"), _ident(table), pgsql.Identifier(_REFUSE_FUNCTION))
        )

    def ensure_schema(self) -> None:
        if not self._schema_ready:
            self._ensure_tables(TABLES, append_only=False)
            self._schema_ready = True

    def replace_rows(
        self,
        key: Mapping[str, Any],
        frames: Mapping[str, pd.DataFrame],
        schema: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    ) -> dict[str, int]:
        """In one transaction, replace the rows matching `key` in each table by its frame (tables
        missing are created from `schema`, else with the types DuckDB would infer from the frame)."""
        refuse_append_only(frames)
        incoming = {table: frame.assign(**key) for table, frame in frames.items()}
        shapes = {t: (schema or {}).get(t) or frame_columns(f) for t, f in incoming.items()}
        self._ensure_tables(shapes, append_only=False, add_columns=False)
        where = pgsql.SQL(" AND ").join(pgsql.SQL("{} = %s").format(_ident(column)) for column in key)
        counts: dict[str, int] = {}
        with self.connect() as con, con.cursor() as cur:
            for table, frame in incoming.items():
                _lock(cur, table, *key.values())
                delete = pgsql.SQL("DELETE FROM {} WHERE {}").format(_ident(table), where)
                cur.execute(delete, list(key.values()))
                counts[table] = _copy(cur, table, frame)
        return counts

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """The rows of a read-only query (anything but SELECT is refused, as on DuckDB)."""
        refuse_writes(sql)
        self.ensure_schema()
        with self.connect() as con, con.cursor() as cur:
            cur.execute(to_postgres(sql), params or None)
            return _frame(cur)

    def build_model(self, name: str, select_sql: str) -> int:
        """Rebuild table `name` from a SELECT in one transaction (readers see the old or the new table)."""
        refuse_append_only([name])
        self.ensure_schema()
        with self.connect() as con, con.cursor() as cur:
            _lock(cur, "roster-ddl")
            cur.execute(pgsql.SQL("DROP TABLE IF EXISTS {}").format(_ident(name)))
            create = pgsql.SQL("CREATE TABLE {} AS ").format(_ident(name))
            cur.execute(create + pgsql.SQL(to_postgres(select_sql)))
            cur.execute(pgsql.SQL("SELECT count(*) FROM {}").format(_ident(name)))
            return int(cur.fetchone()[0])

    def append(self, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
        """Insert each frame into its append-only table (created on first use), in one transaction."""
        check_append_columns(frames)
        self.append_only_ready()
        counts: dict[str, int] = {}
        with self.connect() as con, con.cursor() as cur:
            for table, frame in frames.items():
                counts[table] = _copy(cur, table, frame[[name for name, _ in APPEND_ONLY[table]]])
        return counts

    def append_only_ready(self) -> None:
        self._ensure_tables(APPEND_ONLY, append_only=True)

    def table_names(self) -> list[str]:
        with self.connect() as con, con.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "ORDER BY 1"
            )
            return [row[0] for row in cur.fetchall()]
