"""Privacy: pseudonymise names before anything goes to the language model, put them back in the
answer, and keep private free text (leave reasons, request notes) out of shared outputs.

Free text is data, never instructions: it is never placed in a prompt, and tool results carry no
leave reason or request note at all."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from roster_pipeline.core.domain import Registrar

_ID = re.compile(r"\bR\d{3,}\b")


def name_variants(reg: Registrar) -> list[str]:
    """Full name, name without title, and surname with title (longest first)."""
    full = reg.name.strip()
    bare = re.sub(r"^(Dr|Mr|Ms|Mrs|Miss|Prof)\.?\s+", "", full)
    parts = bare.split()
    variants = {full, bare}
    if parts:
        variants.add(f"Dr {parts[-1]}")
        variants.add(f"Dr. {parts[-1]}")
    return sorted(variants, key=len, reverse=True)


def pseudonymise(text: str, registrars: Mapping[str, Registrar]) -> str:
    """Replace registrar names in `text` by their ids (unambiguous surnames too)."""
    surnames: dict[str, list[str]] = {}
    for rid, reg in registrars.items():
        surnames.setdefault(reg.name.split()[-1].lower(), []).append(rid)
    out = text
    for rid, reg in sorted(registrars.items(), key=lambda kv: -len(kv[1].name)):
        for variant in name_variants(reg):
            out = re.sub(rf"\b{re.escape(variant)}\b", rid, out, flags=re.IGNORECASE)
    for surname, ids in surnames.items():
        if len(ids) == 1 and len(surname) > 2:
            out = re.sub(rf"\b{re.escape(surname)}\b", ids[0], out, flags=re.IGNORECASE)
    return out


def reidentify(text: str, registrars: Mapping[str, Registrar]) -> str:
    """Put names back: `R001` -> `Dr Alex Smith (R001)` for ids of known registrars."""

    def name(match: re.Match[str]) -> str:
        rid = match.group(0)
        reg = registrars.get(rid)
        return f"{reg.name} ({rid})" if reg else rid

    return _ID.sub(name, text)


def mentions_private_text(text: str, private: list[str]) -> bool:
    """Whether any private free-text value appears in `text` (used by tests and digests)."""
    return any(p and p in text for p in private)


def pseudonyms(ids: Iterable[str], prefix: str) -> dict[str, str]:
    """Stable pseudonyms for ids that need not leave the machine: sorted id -> `{prefix}001`, ..."""
    return {real: f"{prefix}{i:03d}" for i, real in enumerate(sorted(set(ids)), start=1)}


def restore_pseudonyms(text: str, mapping: Mapping[str, str]) -> str:
    """Put the real ids back for the pseudonyms of `mapping` in `text`."""
    back = {fake: real for real, fake in mapping.items()}
    if not back:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(f) for f in sorted(back, key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda match: back[match.group(0)], text)
