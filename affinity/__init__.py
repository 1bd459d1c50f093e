"""Specialty affinity profiles: load, validate and scale a specialty x specialty correlation matrix."""

from affinity.profile import (
    PROVENANCE_KINDS,
    AffinityError,
    AffinityProfile,
    default_profile,
    load_profile,
    profile_from_dict,
    scale_weights,
    validate_profile,
)

__all__ = [
    "PROVENANCE_KINDS",
    "AffinityError",
    "AffinityProfile",
    "default_profile",
    "load_profile",
    "profile_from_dict",
    "scale_weights",
    "validate_profile",
]
