"""The Dagster pipeline around the rostering engine (the engine itself never imports Dagster)."""

import warnings

import dagster as dg

# Single-run backfill policies are what let a range of weeks run in order in one run (and from the
# CLI without a daemon); the policy is Beta in Dagster 1.13, and its warning is silenced on purpose.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy`", category=dg.BetaWarning)
