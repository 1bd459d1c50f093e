"""Hypothesis profiles. `ci` (the default: `.ci/run` and `make test` set no CI variable) is
derandomised with no deadline, so every run tries the same inputs. Hypothesis refuses an example
database with `derandomize=True`, so a failure found is recorded in the repository as an
`@example(...)` decorator on its test. `dev` (`HYPOTHESIS_PROFILE=dev`) searches randomly and keeps
its finds in the local, ignored `.hypothesis/` folder."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("dev" if os.environ.get("HYPOTHESIS_PROFILE") == "dev" else "ci")
