"""The web service's settings, from the environment (`roster serve`) or given by a test.

- `ROSTER_WAREHOUSE_URL` (Postgres) or `ROSTER_DUCKDB` (the DuckDB file, default out/warehouse.duckdb):
  the warehouse it reads and adds to;
- `ROSTER_DEPARTMENT`: one department (folder or workbook) or a folder of departments;
- `ROSTER_RULES`: the rule pack (default au-vic);
- `ROSTER_TIMEZONE`: the wards' time zone for calendar feeds (default Australia/Melbourne);
- `ROSTER_JOBLINES_DIR`: the catalogues and affinity profiles job-line requests may name;
- `ROSTER_RULES_DIR`: where an administrator's edited rule packs are written (default out/rule_packs);
- `ROSTER_SMTP_HOST` (and `_PORT`, `_USER`, `_PASSWORD`, `_FROM`, `_STARTTLS`): e-mail notices
  (living/mail.py);
- `ROSTER_WEB_SECRET`: the key that signs cookies and CSRF tokens (32+ characters). Unset, the
  service keeps a random key in `ROSTER_WEB_SECRET_FILE` (default out/web_secret, readable by its
  owner only), so sessions survive a restart. Never logged;
- `ROSTER_WEB_TODAY=2026-10-06`: the service's date (a demo on past data; the time of day still
  runs). Never set in production;
- `ROSTER_WEB_INSECURE_COOKIES=1`: drop the cookies' Secure flag, for http://127.0.0.1 only (a
  browser sends Secure cookies to localhost over plain HTTP, but not to other plain-HTTP hosts).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from roster_pipeline.core.warehouse import DEFAULT_DUCKDB
from roster_pipeline.explain.claude import ClaudeClient
from roster_pipeline.living.mail import SmtpSettings, smtp_from_env
from roster_pipeline.web.sessions import SessionPolicy

MIN_SECRET = 32


class ConfigError(ValueError):
    """A setting the service cannot start with."""


def claude_from_env() -> ClaudeClient | None:
    """A Claude client when ANTHROPIC_API_KEY is set (the key is read by the client, never logged)."""
    client = ClaudeClient()
    return client if client.available else None


def wall_clock() -> dt.datetime:
    """Local time to the second (what a ward reads)."""
    return dt.datetime.now().replace(microsecond=0)


@dataclass
class WebConfig:
    warehouse: str
    department: Path
    secret: bytes
    rule_pack: str = "au-vic"
    timezone: str = "Australia/Melbourne"  # the wards' local time: shift times in calendar feeds
    joblines_dir: str = ""  # catalogues and affinity profiles a job-line request may name
    rules_dir: str = "out/rule_packs"  # where an administrator's edited rule packs are written
    secure_cookies: bool = True
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    clock: Callable[[], dt.datetime] = wall_clock
    claude: Callable[[], ClaudeClient | None] = claude_from_env  # the assistant's client (None: offline)
    smtp: SmtpSettings | None = None  # notices by e-mail on publishing (None: portal only)


def secret_from(value: str | None, file: Path) -> bytes:
    """The signing key: `value`, else the one kept in `file` (created on first use, mode 0600)."""
    if value:
        if len(value) < MIN_SECRET:
            raise ConfigError(f"ROSTER_WEB_SECRET must have at least {MIN_SECRET} characters")
        return value.encode()
    if file.exists():
        return file.read_bytes().strip()
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    return file.read_bytes().strip()


def shifted_clock(today: dt.date) -> Callable[[], dt.datetime]:
    """Wall-clock time moved to `today` (the time of day and its passing kept): a demo on past data."""
    offset = dt.datetime.combine(today, dt.time()) - dt.datetime.combine(wall_clock().date(), dt.time())
    return lambda: wall_clock() + offset


def config_from_env(env: dict[str, str] | None = None) -> WebConfig:
    env = dict(os.environ if env is None else env)
    today = env.get("ROSTER_WEB_TODAY")
    return WebConfig(
        warehouse=env.get("ROSTER_WAREHOUSE_URL") or env.get("ROSTER_DUCKDB") or DEFAULT_DUCKDB,
        department=Path(env.get("ROSTER_DEPARTMENT", "out/sample")),
        secret=secret_from(
            env.get("ROSTER_WEB_SECRET"), Path(env.get("ROSTER_WEB_SECRET_FILE", "out/web_secret"))
        ),
        rule_pack=env.get("ROSTER_RULES", "au-vic"),
        timezone=env.get("ROSTER_TIMEZONE", "Australia/Melbourne"),
        joblines_dir=env.get("ROSTER_JOBLINES_DIR", ""),
        rules_dir=env.get("ROSTER_RULES_DIR", "out/rule_packs"),
        secure_cookies=env.get("ROSTER_WEB_INSECURE_COOKIES", "") not in ("1", "true", "yes"),
        clock=shifted_clock(dt.date.fromisoformat(today)) if today else wall_clock,
        smtp=smtp_from_env(env),
    )
