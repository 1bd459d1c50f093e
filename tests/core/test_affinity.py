"""Affinity profiles: loading, validation, scaling and the provenance of the shipped default."""

from __future__ import annotations

import json

import pytest

from affinity import (
    AffinityError,
    default_profile,
    load_profile,
    profile_from_dict,
    scale_weights,
    validate_profile,
)
from affinity.profile import DEFAULT_SPECIALTIES

PUBLISHED = {0.208, 0.106, 0.088}


def test_default_profile_records_provenance_for_every_value() -> None:
    profile = default_profile()
    validate_profile(profile, known=DEFAULT_SPECIALTIES)
    assert set(profile.values) == set(profile.provenance)
    for key, value in profile.values.items():
        kind = profile.provenance[key]["kind"]
        assert kind in ("published", "illustrative")
        if kind == "published":
            assert value in PUBLISHED
        else:
            assert "not verified" in profile.provenance[key]["note"]


def test_scale_is_linear_and_symmetric_lookup() -> None:
    profile = profile_from_dict({"specialties": ["a", "b", "c"], "pairs": [{"a": "b", "b": "a", "r": -0.5}]})
    assert scale_weights(profile) == {("a", "b"): -50}
    assert scale_weights(profile, scale=10) == {("a", "b"): -5}
    assert profile.r("b", "a") == profile.r("a", "b") == -0.5
    assert profile.r("a", "a") == 1.0
    assert profile.r("a", "c") == 0.0


def test_json_round_trip(tmp_path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(default_profile().to_dict()))
    assert load_profile(path).values == default_profile().values


def test_csv_matrix(tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(",x,y\nx,1,0.3\ny,0.3,1\n")
    profile = load_profile(path, known=["x", "y", "z"])
    assert profile.values == {("x", "y"): 0.3}
    assert profile.provenance[("x", "y")]["kind"] == "user"


@pytest.mark.parametrize(
    "text, message",
    [
        (",x,y\nx,1,0.3\ny,0.2,1\n", "symmetric"),
        (",x,y\nx,1,1.3\ny,1.3,1\n", "outside"),
        (",x,y\nx,0.9,0.3\ny,0.3,1\n", "diagonal"),
    ],
)
def test_csv_rejects_bad_matrices(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(AffinityError, match=message):
        load_profile(path)


def test_unknown_specialty_rejected() -> None:
    profile = profile_from_dict({"pairs": [{"a": "x", "b": "q", "r": 0.1}]})
    with pytest.raises(AffinityError, match="unknown"):
        validate_profile(profile, known=["x"])
