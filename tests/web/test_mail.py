"""Notices by e-mail on publishing, through a real SMTP server (aiosmtpd) started here: each changed
registrar gets one message with their own changes only, at their address from the registrars table;
publishing again sends nothing twice; no SMTP host, no e-mail."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from servers import free_port
from web_site import NOW, Site, draft_amendment

from roster_pipeline.living.mail import SmtpSettings
from roster_pipeline.living.versions import assignments


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's API
        self.received.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def inbox() -> Inbox:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


def _amend_with_notices(site: Site) -> tuple[str, dict[str, str]]:
    """A draft amending the published week (the same cells, so the publish checks pass as they did)
    with a notice for each of two registrars, as a recorded repair leaves them."""
    roster = assignments(site.warehouse, site.version_id)
    later = NOW + dt.timedelta(days=2)
    version_id = draft_amendment(site, roster, later, "morgan")
    day = dt.date(2026, 10, 8)
    pair = (("R001", "R003"), ("R003", "R001"))
    notices = [
        {"recorded_at": later, "department": site.department, "version_id": version_id,
         "registrar_id": r, "date": day, "shift_before": "D-NTH", "shift_after": "", "notice_days": 2,
         "short_notice": True, "cause": "E001", "reason": f"covers for {other}"}
        for r, other in pair
    ]  # fmt: skip
    site.warehouse.append({"notices": pd.DataFrame(notices)})
    emails = pd.read_csv(site.folder / "registrars.csv", dtype=str).set_index("registrar_id")["email"]
    return version_id, {r: emails[r] for r, _ in pair}


def test_publishing_emails_each_changed_registrar_their_own_changes(site: Site, inbox: Inbox) -> None:
    site.client.app.state.config.smtp = SmtpSettings(
        "127.0.0.1", inbox.port, sender="roster@hospital.example", starttls=False
    )
    version, emails = _amend_with_notices(site)
    site.login("morgan")
    reply = site.client.post(f"/api/versions/{version}/publish", headers={"X-CSRF-Token": site.csrf()})
    assert reply.status_code == 200 and reply.json()["emailed"] == {"sent": 2, "failed": 0}
    by_address = {to[0]: message_from_bytes(raw, policy=policy.default) for to, raw in inbox.received}
    assert set(by_address) == set(emails.values())
    for registrar, address in emails.items():
        body = by_address[address].get_content()
        other = next(r for r in emails if r != registrar)
        assert f"covers for {other}" in body and f"covers for {registrar}" not in body
        assert "short notice" in body and "D-NTH -> off" in body
        assert by_address[address]["Subject"].startswith("Roster change: 1 shift")
    again = site.client.post(f"/api/versions/{version}/publish", headers={"X-CSRF-Token": site.csrf()})
    assert again.status_code == 409 and len(inbox.received) == 2  # published already: nothing resent
    sent = site.warehouse.query("SELECT registrar_id, status FROM notice_mail ORDER BY registrar_id")
    assert list(sent.itertuples(index=False, name=None)) == sorted((r, "sent") for r in emails)


def test_without_an_smtp_host_nothing_is_emailed(site: Site, inbox: Inbox) -> None:
    version, _ = _amend_with_notices(site)
    site.login("morgan")
    reply = site.client.post(f"/api/versions/{version}/publish", headers={"X-CSRF-Token": site.csrf()})
    assert reply.json()["emailed"] == {"sent": 0, "failed": 0} and inbox.received == []
    assert site.client.get("/api/notices").json()["notices"]  # the portal still shows them
