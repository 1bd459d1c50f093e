"""A normal (non-editable) install carries the package data: the SQL models and the rule packs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = (".git", ".venv", "out", ".dagster_home", "__pycache__", "*.egg-info", "build", "dist", ".hypothesis")


def test_built_wheel_holds_the_sql_models_and_rule_packs(tmp_path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*SKIP))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            ".",
        ],
        cwd=source,
        check=True,
    )
    (wheel,) = tmp_path.glob("roster_pipeline-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    models = {f"dbt_like_sql/{p.name}" for p in (ROOT / "dbt_like_sql").glob("*.sql")}
    packs = {
        f"roster_pipeline/core/rule_packs/{p.name}"
        for p in (ROOT / "roster_pipeline/core/rule_packs").glob("*.yaml")
    }
    assert len(models) >= 5 and models <= names
    assert (
        {"roster_pipeline/core/rule_packs/au-vic.yaml", "roster_pipeline/core/rule_packs/uk-2016.yaml"}
        <= packs
        <= names
    )
