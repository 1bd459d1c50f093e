"""Job lines over HTTP: a planning request queued, then its status, lines, gap, diagnosis and
digest; the lines checked against the request (cohort size) and the AMC checker's verdict."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from web_site import Site

from roster_pipeline.joblines.data import sample_catalogue

SMALL = {
    "pgy1": 3,
    "pgy2": 1,
    "catalogue": "small",
    "time_limit": 15,
    "workers": 1,
    "seed": 0,
    "deterministic": True,
}
TOO_FEW = {
    "pgy1": 6,
    "pgy2": 3,
    "time_limit": 5,
    "workers": 1,
    "seed": 0,
    "deterministic": True,
}  # sample catalogue


@pytest.fixture
def catalogues(site: Site, tmp_path: Path) -> Path:
    """ROSTER_JOBLINES_DIR holding `small.csv`: the sample catalogue without minimum staffing."""
    folder = tmp_path / "joblines"
    folder.mkdir()
    sample_catalogue().assign(min_staffing=0).to_csv(folder / "small.csv", index=False)
    site.client.app.state.config.joblines_dir = str(folder)
    return folder


def _wait(site: Site, job_id: str) -> dict:
    for _ in range(600):  # polls the job table; the solve has a deterministic budget
        found = site.client.get(f"/api/joblines/{job_id}").json()
        if found["status"] in ("done", "failed"):
            return found
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_manager_queues_a_request_and_reads_its_lines(site: Site, catalogues: Path) -> None:
    site.login("morgan")
    queued = site.client.post("/api/joblines", json=SMALL, headers={"X-CSRF-Token": site.csrf()})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    done = _wait(site, queued.json()["job_id"])
    assert done["status"] == "done" and done["solve_status"] in ("OPTIMAL", "FEASIBLE"), done
    assert done["lines"] == SMALL["pgy1"] + SMALL["pgy2"]
    assert len({row["line_id"] for row in done["line_rows"]}) == done["lines"]
    assert done["violations"] == 0 and done["gap"] is not None and done["digest"]
    assert done["reproduce"] == {"seed": 0, "workers": 1, "time_limit": 15, "deterministic": True}
    states = site.warehouse.query(
        "SELECT status FROM jobline_jobs WHERE job_id = ? ORDER BY recorded_at", [done["job_id"]]
    )
    assert list(states["status"]) == ["queued", "running", "done"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({**TOO_FEW, "catalogue": "/etc/passwd"}, "catalogue"),
        ({**TOO_FEW, "affinity_profile": "../secret"}, "affinity_profile"),
        ({**TOO_FEW, "time_limit": 5000}, "time_limit"),
    ],
)
def test_a_request_may_not_name_server_files_or_run_for_ever(site: Site, body: dict, words: str) -> None:
    site.login("morgan")
    reply = site.client.post("/api/joblines", json=body, headers={"X-CSRF-Token": site.csrf()})
    assert reply.status_code == 422 and words in reply.json()["detail"]


def test_an_infeasible_cohort_comes_back_with_its_diagnosis(site: Site) -> None:
    site.login("morgan")
    queued = site.client.post("/api/joblines", json=TOO_FEW, headers={"X-CSRF-Token": site.csrf()})
    done = _wait(site, queued.json()["job_id"])
    assert done["status"] == "done" and done["solve_status"] == "INFEASIBLE"
    assert done["lines"] == 0 and done["diagnosis"]


def test_a_bad_request_fails_with_its_reason(site: Site) -> None:
    site.login("morgan")
    queued = site.client.post(
        "/api/joblines", json={**TOO_FEW, "pgy1": -3}, headers={"X-CSRF-Token": site.csrf()}
    )
    failed = _wait(site, queued.json()["job_id"])
    assert failed["status"] == "failed" and "pgy1" in failed["error"]


def test_joblines_are_for_managers(site: Site) -> None:
    assert site.client.post("/api/joblines", json=SMALL).status_code == 401
    assert site.client.get("/api/joblines/J0001").status_code == 401
    site.login("alex")
    assert (
        site.client.post("/api/joblines", json=SMALL, headers={"X-CSRF-Token": site.csrf()}).status_code
        == 403
    )
    assert site.client.get("/api/joblines/J0001").status_code == 403


def test_the_job_lines_pages(site: Site, catalogues: Path) -> None:
    site.login("morgan")
    form = {
        "pgy1": "3",
        "pgy2": "1",
        "terms": "5-term",
        "catalogue": "small",
        "time_limit": "15",
        "seed": "0",
    }
    queued = site.client.post(
        "/manager/joblines", data={**form, "csrf_token": site.csrf()}, follow_redirects=False
    )
    assert queued.status_code == 303 and queued.headers["location"].startswith("/manager/joblines/J")
    job_id = queued.headers["location"].rsplit("/", 1)[1]
    done = _wait(site, job_id)
    page = site.client.get(f"/manager/joblines/{job_id}").text
    assert all(row["line_id"] in page for row in done["line_rows"]) and "Digest" in page
    assert job_id in site.client.get("/manager/joblines").text
    site.client.post("/logout", data={"csrf_token": site.csrf()})
    site.login("alex")
    assert site.client.get("/manager/joblines").status_code == 403
