"""Postgres roles for the warehouse: the pipeline writes with one role, the web service reads with
another, and the append-only tables (versions, audit log, notices) take only INSERT and SELECT from
both; the web service's own tables (users, sessions, logins, calendar links) only from the web
role. Run once by an administrator (`roster warehouse provision`); passwords come from the
environment and are never logged."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql as pgsql

from roster_pipeline.core.warehouse.postgres_engine import PostgresWarehouse
from roster_pipeline.core.warehouse.schema import APPEND_ONLY, WEB_ONLY


@dataclass(frozen=True)
class Roles:
    writer: str = "roster_writer"  # the pipeline: fact tables, models, job lines, digests
    reader: str = "roster_web"  # the web service: reads, and adds to the append-only tables


def _ensure_role(cur: psycopg.Cursor, name: str, password: str | None) -> None:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    verb = "ALTER" if cur.fetchone() else "CREATE"
    statement = pgsql.SQL(verb + " ROLE {} LOGIN").format(pgsql.Identifier(name))
    if password:
        statement += pgsql.SQL(" PASSWORD {}").format(pgsql.Literal(password))
    cur.execute(statement)


def provision(admin_url: str, roles: Roles = Roles(), passwords: dict[str, str] | None = None) -> list[str]:
    """Create the roles (with `passwords[role]` when given), the append-only tables owned by the
    administrator with their refusal triggers, and the grants. Idempotent; returns what it granted."""
    PostgresWarehouse(admin_url).append_only_ready()
    writer, reader = pgsql.Identifier(roles.writer), pgsql.Identifier(roles.reader)
    grants = [
        pgsql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(writer),
        pgsql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(reader),
        pgsql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(reader),
        pgsql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT ON TABLES TO {}"
        ).format(writer, reader),
    ]
    for table in APPEND_ONLY:
        name = pgsql.Identifier(table)
        grants.append(pgsql.SQL("REVOKE ALL ON {} FROM {}, {}").format(name, writer, reader))
        if table in WEB_ONLY:  # accounts, sessions, logins, feed links: not the pipeline's business
            grants.append(pgsql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(name, reader))
        else:
            grants.append(pgsql.SQL("GRANT SELECT, INSERT ON {} TO {}, {}").format(name, writer, reader))
    with psycopg.connect(admin_url) as con, con.cursor() as cur:
        for role in (roles.writer, roles.reader):
            _ensure_role(cur, role, (passwords or {}).get(role))
        for statement in grants:
            cur.execute(statement)
        return [statement.as_string(con) for statement in grants]
