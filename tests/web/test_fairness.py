"""Fairness against FTE share in the portal and the console: figures from the warehouse's
fairness_cumulative model (made here by hand), charts drawn by Altair with people by name; a
registrar sees only their own figures."""

from __future__ import annotations

import base64
import re

from web_site import Site

ROWS = [  # week, registrar, nights, fair nights, weekends, weekends deviation, hours, fair hours, deviations
    ("2026-09-28", "R001", 1, 1.5, 1, 0.2, 40.0, 38.0, -0.5, 2.0),
    ("2026-09-28", "R002", 2, 1.5, 0, -0.4, 36.0, 38.0, 0.5, -2.0),
    ("2026-10-05", "R001", 3, 2.75, 1, -0.1, 80.0, 77.5, 0.25, 2.5),
    ("2026-10-05", "R002", 2, 2.75, 2, 0.6, 75.0, 77.5, -0.75, -2.5),
]


def _model(site: Site) -> None:
    values = ", ".join(
        f"(DATE '{w}', '{r}', 'cardiology', {n}, {fn}, {we}, {wd}, {h}, {fh}, {nd}, {hd})"
        for w, r, n, fn, we, wd, h, fh, nd, hd in ROWS
    )
    site.warehouse.build_model(
        "fairness_cumulative",
        "SELECT * FROM (VALUES " + values + ") AS t(week_start, registrar_id, department, "
        "nights_to_date, fair_nights_to_date, weekends_to_date, weekends_deviation_to_date, hours_to_date, "
        "fair_hours_to_date, nights_deviation_to_date, hours_deviation_to_date)",
    )


def _svgs(page: str) -> list[str]:
    return [
        base64.b64decode(b).decode() for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    ]


def test_a_manager_sees_everyone_against_their_share_with_charts(site: Site) -> None:
    _model(site)
    site.login("morgan")
    figures = site.client.get("/api/fairness", params={"week": "2026-10-05"}).json()["fairness"]
    latest = {(f["week_start"], f["registrar_id"]): f for f in figures}
    assert latest[("2026-10-05", "R002")]["fair_weekends_to_date"] == 1.4  # 2 - 0.6
    assert {f["registrar_id"] for f in figures} == {"R001", "R002"}
    page = site.client.get("/manager/fairness", params={"week": "2026-10-05"}).text
    drawn = _svgs(page)
    assert len(drawn) == 5  # nights, weekends, hours balance, hours over time, cover by day
    names = [f["name"] for f in figures]
    assert all(name in drawn[0] for name in names) and "R001" not in drawn[0]
    table = page.split("<figure")[0]  # fair shares rounded as people read them: 2.75 nights, 77.5 hours
    assert "<td>2.8</td>" in table and "<td>78</td>" in table and "2.75" not in table


def test_a_registrar_sees_only_their_own_figures(site: Site) -> None:
    _model(site)
    site.login("alex")
    figures = site.client.get("/api/fairness", params={"week": "2026-10-05"}).json()["fairness"]
    assert {f["registrar_id"] for f in figures} == {"R001"} and len(figures) == 2
    page = site.client.get("/me/fairness", params={"week": "2026-10-05"})
    assert page.status_code == 200 and len(_svgs(page.text)) == 1
    other = [f["name"] for f in site.client.get("/api/roster").json()["cells"] if f["registrar_id"] == "R002"]
    assert all(name not in page.text for name in other)
    assert site.client.get("/manager/fairness").status_code == 403


def test_before_the_pipeline_has_run_there_are_no_figures(site: Site) -> None:
    site.login("alex")
    assert site.client.get("/api/fairness").json()["fairness"] == []
    assert "No fairness figures yet" in site.client.get("/me/fairness").text
