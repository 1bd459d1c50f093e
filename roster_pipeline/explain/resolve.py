"""Fuzzy resolution of registrar names, dates, shifts and numbers in questions and tool inputs."""

from __future__ import annotations

import datetime as dt
import difflib
import re

from roster_pipeline.explain.facts import RosterContext
from roster_pipeline.explain.privacy import name_variants

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
}  # fmt: skip
KIND_WORDS = {
    "night": "night", "nights": "night", "day": "day", "days": "day", "evening": "evening",
    "evenings": "evening", "long day": "long-day", "long-day": "long-day", "long days": "long-day",
    "on-call": "on-call", "on call": "on-call",
}  # fmt: skip


class ResolveError(ValueError):
    """A name, date or shift that cannot be matched; the message lists what is known."""


def registrar_id(ctx: RosterContext, text: str) -> str:
    """Match an id (`R001`), a full name, `Dr Smith`, or a misspelt surname."""
    regs = ctx.department.registrars
    key = text.strip()
    if key.upper() in regs:
        return key.upper()
    candidates: dict[str, str] = {}
    for rid, reg in regs.items():
        for variant in name_variants(reg):
            candidates[variant.lower()] = rid
        candidates[reg.name.split()[-1].lower()] = rid
    surname_count: dict[str, int] = {}
    for reg in regs.values():
        surname = reg.name.split()[-1].lower()
        surname_count[surname] = surname_count.get(surname, 0) + 1
    lowered = key.lower()
    if lowered in candidates and surname_count.get(lowered, 1) == 1:
        return candidates[lowered]
    close = difflib.get_close_matches(lowered, list(candidates), n=1, cutoff=0.75)
    if close:
        return candidates[close[0]]
    raise ResolveError(f"no registrar matches {text!r}")


def find_registrar(ctx: RosterContext, question: str) -> str | None:
    """The registrar a free-text question is about, if any (ids, names, fuzzy surnames)."""
    match = re.search(r"\bR\d{3,}\b", question)
    if match and match.group(0) in ctx.department.registrars:
        return match.group(0)
    words = re.findall(r"[A-Za-z][A-Za-z'\-]+", question)
    # full-name and "Dr X" forms first, then single words (skipping common words)
    for size in (3, 2):
        for i in range(len(words) - size + 1):
            try:
                return registrar_id(ctx, " ".join(words[i : i + size]))
            except ResolveError:
                continue
    common = {
        "show",
        "why",
        "what",
        "next",
        "week",
        "schedule",
        "nights",
        "night",
        "need",
        "people",
        "friday",
        "leave",
        "request",
        "requests",
        "holiday",
        "holidays",
    }
    for word in words:
        if len(word) < 4 or word.lower() in common or word.lower() in WEEKDAYS:
            continue
        try:
            return registrar_id(ctx, word)
        except ResolveError:
            continue
    return None


def reference_day(ctx: RosterContext, today: dt.date | None) -> dt.date:
    """`today` when it falls in the roster; otherwise the day before the roster starts, so that
    'next week' is the first roster week and 'Friday' the first Friday."""
    today = today or dt.date.today()
    return today if today in ctx.horizon else ctx.horizon.start - dt.timedelta(days=1)


def week_start(ctx: RosterContext, text: str, today: dt.date | None = None) -> dt.date | None:
    """The Monday a phrase refers to: ISO date, 'this week', 'next week', 'week 2', or None."""
    lowered = text.lower()
    ref = reference_day(ctx, today)
    monday = ref - dt.timedelta(days=ref.weekday())
    iso = re.search(r"\d{4}-\d{2}-\d{2}", lowered)
    if iso:
        day = dt.date.fromisoformat(iso.group(0))
        return day - dt.timedelta(days=day.weekday())
    numbered = re.search(r"\bweek\s+(\d+)", lowered)
    if numbered:
        return ctx.horizon.start + dt.timedelta(days=7 * (int(numbered.group(1)) - 1))
    if "next week" in lowered or "next week's" in lowered:
        return monday + dt.timedelta(days=7)
    if "this week" in lowered:
        return monday if (today or dt.date.today()) in ctx.horizon else ctx.horizon.start
    return None


def date_in(ctx: RosterContext, text: str, today: dt.date | None = None) -> dt.date | None:
    """A date in a phrase: ISO, 'today', 'tomorrow', or a weekday name (the next one on or after the
    reference day; fuzzy spelling accepted, e.g. 'Firday')."""
    lowered = text.lower()
    iso = re.search(r"\d{4}-\d{2}-\d{2}", lowered)
    if iso:
        return dt.date.fromisoformat(iso.group(0))
    ref = reference_day(ctx, today)
    if "tomorrow" in lowered:
        return ref + dt.timedelta(days=1)
    words = re.findall(r"[a-z]+", lowered)
    for word in words:
        name = word[:-1] if word.endswith("s") and word[:-1] in WEEKDAYS else word
        close = difflib.get_close_matches(name, WEEKDAYS, n=1, cutoff=0.8) if len(name) >= 5 else []
        if close:
            target = WEEKDAYS.index(close[0])
            base = ref if ref in ctx.horizon else ref + dt.timedelta(days=1)
            return base + dt.timedelta(days=(target - base.weekday()) % 7)
    return None


def kind_in(text: str) -> str | None:
    lowered = text.lower()
    for phrase in sorted(KIND_WORDS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            return KIND_WORDS[phrase]
    return None


def number_in(text: str) -> int | None:
    lowered = text.lower()
    digits = re.search(r"\b(\d{1,2})\b(?!-\d)", re.sub(r"\d{4}-\d{2}-\d{2}", " ", lowered))
    if digits:
        return int(digits.group(1))
    for word, value in NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return value
    return None


def sites_in(ctx: RosterContext, text: str) -> list[str]:
    return [s for s in ctx.department.sites if re.search(rf"\b{re.escape(s)}\b", text, re.IGNORECASE)]
