"""kamgrade's exception hierarchy and exit codes.

In a batch, an unreadable submission is a *result* (status "error"), never an exception that
escapes: `UnreadableSubmission` is caught per file and turned into an error row.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import ClassVar


class ExitCode(IntEnum):
    OK = 0
    SOME_UNREADABLE = 1
    USAGE = 2
    BAD_RUBRIC = 3
    INTERRUPTED = 130


class ErrorCode(StrEnum):
    """Stable codes for submissions kamgrade cannot grade (documented in the README)."""

    NOT_DOCX = "not_docx"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    LEGACY_DOC = "legacy_doc"
    PDF = "pdf"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    LOCK_FILE = "lock_file"
    UNSAFE = "unsafe"
    TIMEOUT = "timeout"
    WORKER_CRASHED = "worker_crashed"
    NOT_FOUND = "not_found"
    INTERNAL = "internal"


class KamgradeError(Exception):
    exit_code: ClassVar[int] = ExitCode.SOME_UNREADABLE


class UnreadableSubmission(KamgradeError):
    """A submission kamgrade refuses to grade; `message` is Spanish and says what to do."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RubricError(KamgradeError):
    """A rubric with one or more problems; `problems` carries every one with its location."""

    exit_code = ExitCode.BAD_RUBRIC

    def __init__(self, problems: list[RubricProblem]) -> None:
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)


class RubricProblem:
    """One problem in a rubric file, located as file:line:col (1-based)."""

    __slots__ = ("path", "line", "column", "message")

    def __init__(self, path: str, line: int | None, column: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"RubricProblem({self.render()!r})"
