"""Administration over HTTP: users and roles (admins only, never a password hash in a reply), and the
rule pack: read by managers, a parameter edit by admins checked by the pack parser, written as a new
local version and recorded in the audit log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from web_site import PASSWORD, Site


@pytest.mark.parametrize("who", [None, "alex", "morgan"])
def test_users_are_for_admins_only(site: Site, who: str | None) -> None:
    if who:
        site.login(who)
    expected = 401 if who is None else 403
    assert site.client.get("/api/users").status_code == expected
    headers = {"X-CSRF-Token": site.csrf()} if who else {}
    body = {"username": "x1", "role": "manager", "password": PASSWORD}
    assert site.client.post("/api/users", json=body, headers=headers).status_code == expected


def test_an_admin_adds_a_registrar_who_can_sign_in_then_disables_them(site: Site) -> None:
    site.login("ada")
    listed = site.client.get("/api/users").json()["users"]
    assert {u["username"] for u in listed} == {"alex", "charlotte", "morgan", "ada"}
    assert all("password" not in key and "hash" not in key for u in listed for key in u)
    body = {"username": "grace", "role": "registrar", "registrar_id": "R003", "password": PASSWORD}
    made = site.client.post("/api/users", json=body, headers={"X-CSRF-Token": site.csrf()})
    assert made.status_code == 201 and made.json()["department"] == site.department
    bad = {**body, "username": "ghost", "registrar_id": "R999"}
    assert site.client.post("/api/users", json=bad, headers={"X-CSRF-Token": site.csrf()}).status_code == 422
    weak = {**body, "username": "weak", "password": "short"}
    assert site.client.post("/api/users", json=weak, headers={"X-CSRF-Token": site.csrf()}).status_code == 422
    page = site.client.post("/admin/users/grace/disable", data={"csrf_token": site.csrf()})
    assert "grace updated" in page.text
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    form = site.client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    refused = site.client.post(
        "/login",
        data={"username": "grace", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert refused.headers["location"].startswith("/login?error=failed")
    assert site.client.get("/api/me").status_code == 401


def test_managers_read_the_rules_with_their_sources(site: Site) -> None:
    site.login("morgan")
    pack = site.client.get("/api/rules").json()
    shipped = yaml.safe_load((Path("roster_pipeline/core/rule_packs/au-vic.yaml")).read_text())
    assert (pack["id"], pack["version"]) == (shipped["id"], shipped["version"])
    enabled = [r["id"] for r in shipped["rules"] if r.get("enabled", True)]
    assert [r["id"] for r in pack["rules"]] == enabled
    assert all(r["source"] for r in pack["rules"] if r["hard"])
    assert "VIC1-min-rest" in site.client.get("/admin/rules").text
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("alex")
    assert site.client.get("/api/rules").status_code == 403


def test_an_admin_edits_a_parameter_into_a_new_local_version(site: Site, tmp_path: Path) -> None:
    site.client.app.state.config.rules_dir = str(tmp_path / "packs")
    site.login("morgan")
    assert (
        site.client.post(
            "/admin/rules/VIC1-min-rest", data={"csrf_token": site.csrf(), "param_hours": "11"}
        ).status_code
        == 403
    )
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("ada")
    refused = site.client.post(
        "/admin/rules/VIC1-min-rest", data={"csrf_token": site.csrf(), "weight": "0", "param_hours": "-5"}
    )
    assert "Not saved" in refused.text and not (tmp_path / "packs").exists()
    saved = site.client.post(
        "/admin/rules/VIC1-min-rest", data={"csrf_token": site.csrf(), "weight": "0", "param_hours": "11"}
    )
    assert saved.status_code == 200
    written = yaml.safe_load((tmp_path / "packs" / "au-vic.yaml").read_text())
    rule = next(r for r in written["rules"] if r["id"] == "VIC1-min-rest")
    assert rule["params"]["hours"] == 11 and written["version"].endswith("-local.1")
    pack = site.client.get("/api/rules").json()
    assert pack["version"] == written["version"]
    assert next(r for r in pack["rules"] if r["id"] == "VIC1-min-rest")["params"]["hours"] == 11
    audit = site.warehouse.query("SELECT actor, reason FROM audit_log WHERE action = 'rule pack edited'")
    assert list(audit.itertuples(index=False, name=None)) == [("ada", "VIC1-min-rest: hours 10 -> 11")]
