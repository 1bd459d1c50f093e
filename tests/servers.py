"""Helpers for tests that start real servers: a free port, a new database on the session's
PostgreSQL cluster, and the environment of a production Dagster instance on it. Imported by name
(`from servers import ...`): tests/web has its own conftest, so `conftest` is not a stable name."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_database(server: str) -> str:
    """Create an empty database on the cluster at `server`; its URL (superuser)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def instance_env(home: Path, instance_url: str) -> dict[str, str]:
    """DAGSTER_HOME holding deploy/production/dagster.yaml, and the DAGSTER_PG_* variables it reads,
    for a database URL of the form postgresql://user@host:port/db; the warehouse pool initialised."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "deploy" / "production" / "dagster.yaml", home / "dagster.yaml")
    user_host, db = instance_url.removeprefix("postgresql://").rsplit("/", 1)
    user, host_port = user_host.split("@")
    host, port = host_port.split(":")
    env = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_USER": user,
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_HOST": host,
        "DAGSTER_PG_PORT": port,
        "DAGSTER_PG_DB": db,
    }
    subprocess.run(  # as a deployment does before its first run (dagster-io/dagster#33552)
        ["bash", str(ROOT / "deploy" / "init-pools.sh")],
        env={**os.environ, **env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
        check=True,
        capture_output=True,
    )
    return env
