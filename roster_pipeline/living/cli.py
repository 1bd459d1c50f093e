"""The living-roster subcommands, wired into roster_pipeline/cli.py with `register_cli(sub)`:
versions (publish, versions, diff), repair, and cover (recommend, swap)."""

from __future__ import annotations

import argparse

from roster_pipeline.living.cli_cover import register_cover
from roster_pipeline.living.cli_repair import register_repair
from roster_pipeline.living.cli_versions import register_versions


def register_cli(sub: argparse._SubParsersAction) -> None:
    register_versions(sub)
    register_repair(sub)
    register_cover(sub)
