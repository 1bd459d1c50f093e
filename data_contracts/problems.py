"""Problem records and the single error raised for an invalid department."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the department tables.

    `row` is the row number a person sees in the sheet or CSV: the header is row 1, so the first
    data row is row 2 (as in Excel). `row` is None for table- or column-level problems and
    `column` is None for table-level problems.
    """

    table: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.table if self.row is None else f"{self.table} row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class ContractError(ValueError):
    """Department tables that break the data contract; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
