"""The warehouse in one DuckDB file: the embedded default."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from roster_pipeline.core.warehouse.schema import (
    APPEND_ONLY,
    TABLES,
    WeekWrites,
    check_append_columns,
    refuse_append_only,
    refuse_writes,
)


def _insert(con: Any, table: str, frame: pd.DataFrame) -> int:
    """Insert `frame` (its columns are the table's, in order) into `table`; the row count."""
    if len(frame):
        con.register("incoming", frame)
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming")
        con.unregister("incoming")
    return len(frame)


_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()
LOCK_WAIT_SECONDS = 120.0  # how long to wait for another process's hold on the file


def _file_lock(path: str) -> threading.RLock:
    key = path if path == ":memory:" else str(Path(path).resolve())
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(key, threading.RLock())


def _open(path: str) -> Any:
    """A connection, waiting (with backoff) while another process holds the file's lock."""
    delay, waited = 0.05, 0.0
    while True:
        try:
            return duckdb.connect(path)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or waited >= LOCK_WAIT_SECONDS:
                raise
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 2.0)


class DuckDBWarehouse(WeekWrites):
    """The warehouse in one DuckDB file. Each call opens and closes its own connection, so the file
    is held only for the call. DuckDB allows one writer: calls on one file are serialised within a
    process by a lock per file, and a call waits while another process holds the file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._schema_ready = False

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.path):
            con = _open(self.path)
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
                for name, kind in cols:  # a column added since the file was made (rows before: NULL)
                    con.execute(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{name}" {kind}')
        self._schema_ready = True

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
        refuse_append_only(frames)
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
        refuse_append_only([name])
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
        check_append_columns(frames)
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
