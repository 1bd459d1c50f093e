"""`roster publish, roster versions, roster diff`: registered by roster_pipeline/living/cli.py."""

from __future__ import annotations

import argparse


def register_versions(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands (roster publish, roster versions, roster diff) to the `roster` parser."""
