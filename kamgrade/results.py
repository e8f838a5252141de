"""Messages that travel with a stage's value: warnings never vanish."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kamgrade.records import pickled_by_fields


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Message:
    code: str  # stable id, e.g. "KG-DOCX-MACROS"
    severity: Severity
    text: str  # instructor-facing Spanish text that says what to do
    where: str | None = None

    def render(self) -> str:
        return f"{self.text} ({self.where})" if self.where else self.text
