"""The job-line checker shares no code with the engine: its modules' imports, read with `ast`."""

from __future__ import annotations

from pathlib import Path

from import_reader import imported as read_imports

import roster_pipeline.joblines as joblines

CHECKER = ("checker.py", "checker_objective.py")
ENGINE = ("model", "rules", "solve", "objective", "lines", "lns", "balance", "relaxation", "patterns", "data")
ALLOWED = {"__future__", "collections", "dataclasses", "itertools", "typing", "pandas"}
OWN = {f"roster_pipeline.joblines.{name.removesuffix('.py')}" for name in CHECKER}


def imported(path: Path) -> set[str]:
    return read_imports(path, "roster_pipeline.joblines")


def test_the_checker_imports_only_the_standard_library_pandas_and_itself() -> None:
    folder = Path(joblines.__file__).parent
    for name in CHECKER:
        for module in imported(folder / name):
            assert module in OWN or module.split(".")[0] in ALLOWED, f"{name} imports {module}"


def test_no_engine_module_is_reachable_from_the_checker() -> None:
    folder = Path(joblines.__file__).parent
    found = set().union(*(imported(folder / name) for name in CHECKER))
    engine = {f"roster_pipeline.joblines.{m}" for m in ENGINE} | {"ortools", "affinity"}
    assert not {m for m in found if m in engine or m.split(".")[0] in {"ortools", "affinity"}}


def test_the_import_reader_sees_engine_imports() -> None:
    """The reader itself: a file importing the model and the solver is caught."""
    sample = Path(__file__).with_name("_engine_import_sample.txt")
    sample.write_text(
        "from roster_pipeline.joblines.model import build\nfrom . import solve\nimport ortools\n"
    )
    try:
        assert {"roster_pipeline.joblines.model", "roster_pipeline.joblines.solve", "ortools"} <= imported(
            sample
        )
    finally:
        sample.unlink()
