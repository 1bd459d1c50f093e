"""The NRP checker imports nothing from the importer, the solver or the validator (read with `ast`)."""

from __future__ import annotations

from pathlib import Path

from import_reader import imported as read_imports

import roster_pipeline.nrp as nrp_package

CHECKER = ("score.py", "score_parse.py")
ALLOWED = {"__future__", "collections", "dataclasses", "pathlib", "typing", "pandas"}
OWN = {"roster_pipeline.nrp.score", "roster_pipeline.nrp.score_parse"}


def imported(path: Path) -> set[str]:
    return read_imports(path, "roster_pipeline.nrp")


def test_the_scorer_imports_only_the_standard_library_pandas_and_itself() -> None:
    folder = Path(nrp_package.__file__).parent
    for name in CHECKER:
        for module in imported(folder / name):
            assert module in OWN or module.split(".")[0] in ALLOWED, f"{name} imports {module}"


def test_the_import_reader_sees_forbidden_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from roster_pipeline.nrp.parse import parse_instance\nfrom .run import to_department\n"
        "import roster_pipeline.solver.stages\nfrom roster_pipeline.validator import validate\n"
    )
    found = imported(sample)
    forbidden = {
        "roster_pipeline.nrp.parse",
        "roster_pipeline.nrp.run",
        "roster_pipeline.solver.stages",
        "roster_pipeline.validator",
    }
    assert forbidden <= found and not (found & OWN)
