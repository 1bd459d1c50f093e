"""A planning request that cannot be used is refused before anything is read or solved: one message
naming the key (and file), `roster joblines` exit code 2, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roster_pipeline.cli import main
from roster_pipeline.joblines.request import RequestError, plan_from_request, request_problems

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "joblines_request.json"

BAD = [
    ({"pgy1": "abc"}, "request key 'pgy1': expected a whole number >= 0, not 'abc'"),
    ({"pgy2": -1}, "request key 'pgy2': expected a whole number >= 0, not -1"),
    ({"pgy1": True}, "request key 'pgy1': expected a whole number >= 0, not True"),
    ({"fte": 1.5}, "request key 'fte': expected a number in (0, 1], not 1.5"),
    ({"terms": "7-term"}, "request key 'terms': expected one of ['4-term', '5-term']"),
    ({"terms": [10, 0]}, "request key 'terms': expected one of ['4-term', '5-term']"),
    ({"time_limit": 0}, "request key 'time_limit': expected a number of seconds above 0, not 0"),
    ({"workers": 0}, "request key 'workers': expected a whole number >= 1, not 0"),
    ({"weights": {"affinty": 1}}, "request key 'weights': expected an object of whole numbers >= 0"),
    ({"weights": {"affinity": -2}}, "request key 'weights': expected an object of whole numbers >= 0"),
    ({"cohort": "P1-001"}, "request key 'cohort': expected a list of {line_id, pgy, fte} objects"),
    ({"progress": "yes"}, "request key 'progress': expected true or false, not 'yes'"),
    ({"colour": 3}, "request key 'colour' is unknown; known keys: affinity_profile, capacity_overrides"),
]


@pytest.mark.parametrize(("request_keys", "message"), BAD, ids=[str(list(b[0])[0]) for b in BAD])
def test_bad_request_key_is_named(request_keys: dict, message: str) -> None:
    problems = request_problems(request_keys)
    assert len(problems) == 1 and problems[0].startswith(message)
    with pytest.raises(RequestError, match="request key"):
        plan_from_request(request_keys)


def test_the_shipped_example_and_an_empty_request_have_no_problems() -> None:
    assert request_problems(json.loads(EXAMPLE.read_text())) == []
    assert request_problems({}) == []


def test_missing_catalogue_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "catalogue.csv"
    with pytest.raises(RequestError, match=r"catalogue.*No such file"):
        plan_from_request({"catalogue": str(missing)})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"pgy1": "abc"}', "request key 'pgy1'"),
        ('{"pgy1": 3,', "Expecting property name"),
        ("[1, 2]", "a JSON object of request keys is expected"),
    ],
)
def test_cli_refuses_a_bad_request_with_exit_code_2(tmp_path: Path, capsys, text: str, message: str) -> None:
    path = tmp_path / "request.json"
    path.write_text(text)
    before = set(tmp_path.iterdir())
    assert main(["joblines", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"request {path}: ") and message in err and "Traceback" not in err
    assert set(tmp_path.iterdir()) == before
