"""`roster recommend, roster swap`: registered by roster_pipeline/living/cli.py."""

from __future__ import annotations

import argparse


def register_cover(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands (roster recommend, roster swap) to the `roster` parser."""
