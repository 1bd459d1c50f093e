"""Notices by e-mail: when a version is published, each registrar it changes is told by e-mail (at
the address in the registrars table) as well as in the portal; calendar feeds refresh too slowly in
common clients to be the only channel.

SMTP settings come from the environment (`ROSTER_SMTP_HOST`, `ROSTER_SMTP_PORT` (587),
`ROSTER_SMTP_USER`, `ROSTER_SMTP_PASSWORD`, `ROSTER_SMTP_FROM`, `ROSTER_SMTP_STARTTLS` (1)); no host,
no e-mail. The password is never logged or stored. Every message sent (or failed) is a row of the
append-only `notice_mail` table, so a version's notices are e-mailed once even if publishing is
retried.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import pandas as pd

from roster_pipeline.core.domain import Department
from roster_pipeline.core.warehouse import Warehouse


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "roster@localhost"
    starttls: bool = True

    def __repr__(self) -> str:  # never show the password
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r}, sender={self.sender!r})"
        )


def smtp_from_env(env: dict[str, str] | None = None) -> SmtpSettings | None:
    env = dict(os.environ if env is None else env)
    host = env.get("ROSTER_SMTP_HOST", "")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(env.get("ROSTER_SMTP_PORT", "587")),
        user=env.get("ROSTER_SMTP_USER", ""),
        password=env.get("ROSTER_SMTP_PASSWORD", ""),
        sender=env.get("ROSTER_SMTP_FROM", "roster@localhost"),
        starttls=env.get("ROSTER_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
    )


def _line(row: pd.Series) -> str:
    day = pd.Timestamp(row["date"]).date()
    before, after = row["shift_before"] or "off", row["shift_after"] or "off"
    days = int(row["notice_days"])
    notice = f"{days} day{'' if days == 1 else 's'}' notice" + (
        " - short notice" if bool(row["short_notice"]) else ""
    )
    return f"- {day:%a %d %b %Y}: {before} -> {after} ({notice}). Why: {row['reason']}"


def messages(wh: Warehouse, version_id: str, dept: Department, sender: str) -> list[tuple[str, EmailMessage]]:
    """One message per registrar the version's notices name, to the address in the registrars
    table (registrars without an address are skipped); each holds only that registrar's changes."""
    rows = wh.query(
        "SELECT registrar_id, date, shift_before, shift_after, notice_days, short_notice, reason "
        "FROM notices WHERE version_id = ? ORDER BY registrar_id, date",
        [version_id],
    )
    emails = dept.table("registrars").set_index("registrar_id").get("email", pd.Series(dtype=str))
    out = []
    for registrar_id, mine in rows.groupby("registrar_id", sort=True):
        address = emails.get(registrar_id)
        if address is None or pd.isna(address) or "@" not in str(address):
            continue
        person = dept.registrars.get(str(registrar_id))
        message = EmailMessage()
        message["From"] = sender
        message["To"] = str(address)
        message["Subject"] = f"Roster change: {len(mine)} shift{'s' if len(mine) > 1 else ''} ({version_id})"
        greeting = f"Dear {person.name}," if person else "Hello,"
        body = [greeting, "", "Your published roster has changed:", *(_line(r) for _, r in mine.iterrows())]
        body += ["", "Your notices and calendar feed are in the roster portal."]
        message.set_content("\n".join(body))
        out.append((str(registrar_id), message))
    return out


def send_notices(
    wh: Warehouse, version_id: str, dept: Department, smtp: SmtpSettings | None, now: dt.datetime
) -> dict[str, int]:
    """E-mail the version's notices not yet sent; returns how many were sent and failed."""
    if smtp is None:
        return {"sent": 0, "failed": 0}
    wh.append_only_ready()
    done = wh.query(
        "SELECT registrar_id FROM notice_mail WHERE version_id = ? AND status = 'sent'", [version_id]
    )
    already = set(done["registrar_id"])
    pending = [(r, m) for r, m in messages(wh, version_id, dept, smtp.sender) if r not in already]
    results = []
    if pending:
        try:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
                if smtp.starttls:
                    server.starttls()
                if smtp.user:
                    server.login(smtp.user, smtp.password)
                for registrar_id, message in pending:
                    try:
                        server.send_message(message)
                        results.append((registrar_id, "sent", ""))
                    except smtplib.SMTPException as error:
                        results.append((registrar_id, "failed", type(error).__name__))
        except (OSError, smtplib.SMTPException) as error:
            results += [
                (r, "failed", type(error).__name__) for r, _ in pending if r not in {x[0] for x in results}
            ]
    if results:
        rows = [
            {"recorded_at": now, "version_id": version_id, "registrar_id": r, "status": s, "error": e}
            for r, s, e in results
        ]
        wh.append({"notice_mail": pd.DataFrame(rows)})
    return {
        "sent": sum(s == "sent" for _, s, _ in results),
        "failed": sum(s == "failed" for _, s, _ in results),
    }
