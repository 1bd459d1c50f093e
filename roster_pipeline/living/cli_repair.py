"""`roster repair`: registered by roster_pipeline/living/cli.py."""

from __future__ import annotations

import argparse


def register_repair(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands (roster repair) to the `roster` parser."""
