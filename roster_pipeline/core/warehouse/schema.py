"""The warehouse's tables and the interface every engine implements: fact tables written per week
(or per partition key), SQL models built on top, and append-only tables (versions, audit, notices).

SQL handed to `Warehouse.query` and `build_model` is written once, in DuckDB's dialect; the Postgres
engine transpiles it with sqlglot. No Dagster imports here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pandas as pd
import sqlglot
from sqlglot import exp

# table -> (column, SQL type); every row carries its department and week_start (the Monday of its
# week): a partition of the pipeline is one department's week.
TABLES: dict[str, list[tuple[str, str]]] = {
    "roster_assignments": [
        ("department", "VARCHAR"),
        ("week_start", "DATE"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift", "VARCHAR"),
        ("site", "VARCHAR"),
        ("start_at", "TIMESTAMP"),
        ("end_at", "TIMESTAMP"),
        ("hours", "DOUBLE"),
    ],
    # The lookahead solve's roster of the weeks after the week (provisional, never published): the
    # next week's solve starts from it (planning.weekly.lookahead_start).
    "lookahead_assignments": [
        ("department", "VARCHAR"),
        ("week_start", "DATE"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift", "VARCHAR"),
    ],
    "solve_runs": [
        ("department", "VARCHAR"),
        ("week_start", "DATE"),
        ("status", "VARCHAR"),
        ("objective", "DOUBLE"),
        ("bound", "DOUBLE"),
        ("gap", "DOUBLE"),
        ("seconds", "DOUBLE"),
        ("seed", "INTEGER"),
        ("workers", "INTEGER"),
        ("time_limit", "DOUBLE"),
        ("deterministic", "BOOLEAN"),
        ("lookahead_weeks", "INTEGER"),
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
        ("department", "VARCHAR"),
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
        ("department", "VARCHAR"),
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
        ("department", "VARCHAR"),
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
    "cover_offers": [  # a registrar's offer to take an open shift; accepted: an amended draft
        ("recorded_at", "TIMESTAMP"),
        ("offer_id", "VARCHAR"),
        ("step", "INTEGER"),
        ("department", "VARCHAR"),
        ("version_id", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("date", "DATE"),
        ("shift", "VARCHAR"),
        ("status", "VARCHAR"),
        ("actor", "VARCHAR"),
        ("amended_version", "VARCHAR"),
    ],
    "notice_mail": [  # living/mail.py: each notice e-mailed (or failed), so none is sent twice
        ("recorded_at", "TIMESTAMP"),
        ("version_id", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("status", "VARCHAR"),
        ("error", "VARCHAR"),  # the error's kind only, never a server reply with an address
    ],
    "swap_offers": [  # living/swap_offers.py: each step of an offer; its state is its latest row
        ("recorded_at", "TIMESTAMP"),
        ("swap_id", "VARCHAR"),
        ("step", "INTEGER"),  # 1, 2, ...: the order of an offer's rows (several may share a second)
        ("department", "VARCHAR"),
        ("version_id", "VARCHAR"),
        ("giver_id", "VARCHAR"),
        ("give_date", "DATE"),
        ("give_shift", "VARCHAR"),
        ("taker_id", "VARCHAR"),
        ("take_date", "DATE"),
        ("take_shift", "VARCHAR"),
        ("status", "VARCHAR"),
        ("actor", "VARCHAR"),
        ("reasons", "VARCHAR"),  # JSON list of the verdict's reasons
        ("amended_version", "VARCHAR"),
    ],
    # The web service's accounts (roster_pipeline/web): a user's current state is their latest row.
    "web_users": [
        ("recorded_at", "TIMESTAMP"),
        ("username", "VARCHAR"),
        ("revision", "INTEGER"),  # 1, 2, ...: the order of a user's rows (several may share a second)
        ("role", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("department", "VARCHAR"),
        ("password_hash", "VARCHAR"),  # Argon2id; never a password
        ("active", "BOOLEAN"),
        ("actor", "VARCHAR"),
    ],
    "web_sessions": [  # a session is opened, then closed (logout) or left to expire
        ("recorded_at", "TIMESTAMP"),
        ("session_hash", "VARCHAR"),  # SHA-256 of the token the cookie carries
        ("username", "VARCHAR"),
        ("event", "VARCHAR"),
        ("expires_at", "TIMESTAMP"),
    ],
    "feed_tokens": [  # each registrar's calendar feed link; a new generation retires the old link
        ("recorded_at", "TIMESTAMP"),
        ("department", "VARCHAR"),
        ("registrar_id", "VARCHAR"),
        ("generation", "INTEGER"),
        ("token_hash", "VARCHAR"),  # SHA-256 of the link's token
        ("actor", "VARCHAR"),
    ],
    "jobline_jobs": [  # job-line requests over HTTP: queued, running, then done or failed
        ("recorded_at", "TIMESTAMP"),
        ("job_id", "VARCHAR"),
        ("actor", "VARCHAR"),
        ("status", "VARCHAR"),
        ("request", "VARCHAR"),  # the planning request (JSON)
        ("result", "VARCHAR"),  # its summary, lines, diagnosis and digest (JSON), or the error
    ],
    "web_logins": [  # every login attempt: the rate limit and the security log
        ("recorded_at", "TIMESTAMP"),
        ("username", "VARCHAR"),
        ("client", "VARCHAR"),
        ("succeeded", "BOOLEAN"),
    ],
}


# append-only tables only the web service reads and writes (Postgres roles: roles.py)
WEB_ONLY = ("web_users", "web_sessions", "web_logins", "feed_tokens", "jobline_jobs")


class AppendOnlyError(ValueError):
    """An attempt to replace, rebuild or write unknown columns into an append-only table."""


class ReadOnlyQueryError(ValueError):
    """A statement other than a query sent to `Warehouse.query` (an update, delete, drop, ...)."""


def refuse_append_only(tables: Sequence[str] | Mapping[str, Any]) -> None:
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
    """What the pipeline needs from a warehouse: `DuckDBWarehouse` (embedded) or `PostgresWarehouse`."""

    def ensure_schema(self) -> None: ...

    def replace_week(
        self, department: str, week_start: dt.date, frames: Mapping[str, pd.DataFrame]
    ) -> dict[str, int]:
        """Delete the department's week from every fact table and insert `frames`, in one transaction."""
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

    def append_only_ready(self) -> None:
        """Create the append-only tables if missing (reads of an empty warehouse see no rows)."""
        ...


def check_append_columns(frames: Mapping[str, pd.DataFrame]) -> None:
    """Refuse frames for tables that are not append-only, or whose columns are not exactly the table's."""
    unknown = sorted(set(frames) - set(APPEND_ONLY))
    if unknown:
        raise AppendOnlyError(f"{', '.join(unknown)}: not append-only tables")
    for table, frame in frames.items():
        names = [name for name, _ in APPEND_ONLY[table]]
        if sorted(frame.columns) != sorted(names):
            raise AppendOnlyError(f"{table}: columns {sorted(frame.columns)} are not {sorted(names)}")


def check_fact_tables(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every fact table's frame for a week's replacement (missing ones empty: the week is cleared)."""
    unknown = set(frames) - set(TABLES)
    if unknown:
        raise ValueError(f"not warehouse fact tables: {sorted(unknown)}")
    return {t: frames.get(t, pd.DataFrame(columns=columns(t))) for t in TABLES}


class WeekWrites:
    """`replace_week` for an engine that has `ensure_schema` and `replace_rows` (both engines)."""

    def replace_week(
        self, department: str, week_start: dt.date, frames: Mapping[str, pd.DataFrame]
    ) -> dict[str, int]:
        every = check_fact_tables(frames)
        self.ensure_schema()  # type: ignore[attr-defined]
        return self.replace_rows({"department": department, "week_start": week_start}, every)  # type: ignore[attr-defined]
