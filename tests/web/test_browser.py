"""End to end in a real browser: Debian's Chromium driven by Playwright against `roster serve` running
as its own process on demo data (a sample department, its solved week published, the demo users of
`roster users demo`). A registrar signs in, sees their roster, offers a swap and sees its verdict; a
manager records a sick call, previews the repair, records and publishes it; the registrar's notice
and calendar feed change. Screenshots of the main pages go to docs/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from playwright.sync_api import Page, sync_playwright
from servers import free_port
from web_site import WEEK, published_warehouse

from roster_pipeline.web.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TODAY = "2026-10-06"  # the service's date (ROSTER_WEB_TODAY): Tuesday of the published week


@pytest.fixture
def service(tmp_path: Path, sample_department: tuple[Path, pd.DataFrame]) -> Iterator[dict]:
    shared, roster = sample_department
    folder = tmp_path / "departments" / shared.name
    shutil.copytree(shared, folder)
    warehouse = str(tmp_path / "warehouse.duckdb")
    wh, version_id = published_warehouse(warehouse, folder, roster, users=False)
    port = free_port()
    env = {
        **os.environ,
        "ROSTER_DEPARTMENT": str(folder),
        "ROSTER_DUCKDB": warehouse,
        "ROSTER_WEB_TODAY": TODAY,
        "ROSTER_WEB_INSECURE_COOKIES": "1",
        "ROSTER_WEB_SECRET_FILE": str(tmp_path / "secret"),
    }
    env.pop("ROSTER_WAREHOUSE_URL", None)
    env.pop("ANTHROPIC_API_KEY", None)  # the assistant answers offline; no test calls the network
    made = subprocess.run([str(BIN / "roster"), "users", "demo"], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "roster"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield {"base": base, "warehouse": wh, "folder": folder, "version": version_id}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def browser() -> Iterator:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():  # the sign-in redirect, not the login page's own idle network
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def _sign_in_by_keyboard(page: Page, base: str, username: str) -> None:
    """Sign in without a mouse: the name field has the focus, Tab moves on, Enter submits."""
    page.goto(f"{base}/login")
    page.get_by_label("User name").focus()  # where autofocus puts it; headless Chromium may not
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?error=signed_out")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _alex_next_shift(service: dict) -> tuple[dt.date, str]:
    """R001's first shift after the service's date, from the warehouse (not the pages)."""
    rows = service["warehouse"].query(
        "SELECT date, shift FROM version_assignments WHERE version_id = ? AND registrar_id = 'R001' "
        "AND date > ? ORDER BY date",
        [service["version"], dt.date.fromisoformat(TODAY)],
    )
    return pd.Timestamp(rows.iloc[0]["date"]).date(), str(rows.iloc[0]["shift"])


def test_registrar_and_manager_in_the_browser(service: dict, browser) -> None:  # noqa: ANN001
    base, wh = service["base"], service["warehouse"]
    day, shift = _alex_next_shift(service)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = phone.new_page()

    # a registrar signs in on a phone and sees their week
    _sign_in(page, base, "alex")
    page.goto(f"{base}/me/roster?week={WEEK.isoformat()}")
    assert page.get_by_role("heading", name="My shifts").is_visible()
    assert shift in page.locator("table").first.inner_text()
    _shot(page, "registrar-roster-phone")

    # offers that shift to a colleague; the colleague accepts and both see the verdict
    page.goto(f"{base}/me/swaps")
    page.get_by_label("My shift").select_option(f"{day.isoformat()}|{shift}")
    page.get_by_label("To").select_option("R002")
    page.get_by_role("button", name="Offer swap").click()
    assert "sent" in page.get_by_role("status").inner_text()
    _sign_out(page)
    _sign_in(page, base, "charlotte")
    page.goto(f"{base}/me/swaps")
    page.get_by_role("button", name="Accept").click()
    stored = wh.query("SELECT status, reasons FROM swap_offers ORDER BY swap_id, step").iloc[-1]
    assert stored["status"] in ("approved", "pending", "refused")
    assert f"is {stored['status']}" in page.get_by_role("status").inner_text()
    assert stored["status"] in page.locator("table").inner_text()
    _shot(page, "registrar-swaps")
    _sign_out(page)

    # a manager records R001 sick on that day, previews the repair, records and publishes it
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    manager = desk.new_page()
    _sign_in_by_keyboard(manager, base, "morgan")
    assert manager.url.endswith("/manager/grid")  # signed in by keyboard, sent to the department grid
    manager.goto(f"{base}/manager/grid?week={WEEK.isoformat()}")
    assert manager.get_by_role("heading", name="Cover").is_visible()
    _shot(manager, "manager-grid")
    manager.goto(f"{base}/manager/events")
    manager.get_by_label("What happened").select_option("sick")
    manager.get_by_label("Registrar (not for extra cover)").select_option("R001")
    manager.get_by_label("From").fill(day.isoformat())
    manager.get_by_role("button", name="Record event").click()
    assert "Recorded" in manager.get_by_role("status").inner_text()
    manager.get_by_role("link", name="Preview the repair these events need").click()
    preview = manager.locator("main").inner_text()
    assert "Alex" in preview and shift in preview
    _shot(manager, "manager-repair-preview")
    assert wh.query("SELECT count(*) AS n FROM notices")["n"].iloc[0] == 0  # a preview records nothing
    manager.get_by_role("button", name="Record the amended versions and their notices").click()
    manager.get_by_role("button", name="Approve and publish").first.click()
    status = manager.get_by_role("status").inner_text()
    assert status.endswith("published") and "not published" not in status, status
    _shot(manager, "manager-versions")
    amended = wh.query("SELECT version_id FROM roster_versions WHERE cause = 'repair' ORDER BY version_id")[
        "version_id"
    ].iloc[-1]
    states = wh.query("SELECT state FROM version_states WHERE version_id = ?", [amended])["state"]
    assert "published" in set(states)
    manager.goto(f"{base}/manager/audit")
    assert "published" in manager.locator("table").inner_text()

    # the registrar's notice and calendar feed change
    _sign_in(page, base, "alex")
    page.goto(f"{base}/me/notices")
    notices = page.locator("table").inner_text()
    assert shift in notices and f"{day.day}" in notices
    _shot(page, "registrar-notices")
    page.goto(f"{base}/me/calendar")
    feed = page.get_by_label("Feed link").input_value()
    body = page.request.get(feed).body()
    events = {str(e["uid"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    changed = events[f"R001-{day.isoformat()}@{service['folder'].name}.roster-pipeline"]
    assert int(changed["sequence"]) == 1 and str(changed["status"]) == "CANCELLED"
