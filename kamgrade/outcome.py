"""The grade of one submission: what results.json, summary.csv and the feedback are made from.

Field names follow the result contract in the README; `to_json()` emits exactly that shape
(plus extra fields, which the contract allows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kamgrade.records import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Student:
    name: str | None
    id: str | None
    source: str = "none"  # "cover" | "filename" | "lms" | "properties" | "none"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ElementOutcome:
    id: str
    description: str
    met: bool
    points: float
    max_points: float
    evidence: tuple[str, ...]  # the sentence(s) that satisfied it, trimmed
    feedback: str  # what to add (missing) or what was found (met)
    explanation: str  # why it fired or not, for the instructor (`rubric try`)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "met": self.met,
            "points": round(self.points, 2),
            "max_points": round(self.max_points, 2),
            "evidence": list(self.evidence),
            "feedback": self.feedback,
            "explanation": self.explanation,
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class SectionOutcome:
    id: str
    title: str
    found: bool
    heading: str | None
    confidence: float
    heading_reason: str  # how the heading was recognised, in Spanish
    words: int
    characters: int
    prompt_words: int
    prompt_characters: int
    cuartillas: float
    min_cuartillas: float
    length_ok: bool
    length_factor: float
    content_score: float  # 0-100 from the elements alone
    score: float  # 0-100 after the length policy
    weight: float
    level: str | None
    level_descriptor: str | None
    figures: int
    tables: int
    elements: tuple[ElementOutcome, ...]
    notes: tuple[str, ...] = ()  # why points were lost, in Spanish

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "found": self.found,
            "heading": self.heading,
            "confidence": round(self.confidence, 3),
            "heading_reason": self.heading_reason,
            "words": self.words,
            "characters": self.characters,
            "prompt_words": self.prompt_words,
            "prompt_characters": self.prompt_characters,
            "cuartillas": round(self.cuartillas, 2),
            "min_cuartillas": self.min_cuartillas,
            "length_ok": self.length_ok,
            "length_factor": round(self.length_factor, 3),
            "content_score": round(self.content_score, 2),
            "score": round(self.score, 2),
            "weight": self.weight,
            "level": self.level,
            "level_descriptor": self.level_descriptor,
            "figures": self.figures,
            "tables": self.tables,
            "notes": list(self.notes),
            "elements": [e.to_json() for e in self.elements],
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DocumentStats:
    words: int
    paragraphs: int
    tables: int
    figures: int
    characters: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "paragraphs": self.paragraphs,
            "tables": self.tables,
            "figures": self.figures,
            "characters": self.characters,
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class RubricRef:
    id: str
    version: str
    sha256: str
    path: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256, "path": self.path}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class SubmissionError:
    code: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class SubmissionOutcome:
    file: str
    student: Student
    status: str  # "graded" | "error"
    rubric: RubricRef
    error: SubmissionError | None = None
    total: float | None = None
    level: str | None = None
    summary: str | None = None  # overall feedback text from the rubric
    warnings: tuple[str, ...] = ()
    document: DocumentStats | None = None
    sections: tuple[SectionOutcome, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"converted_from": "legacy_doc"}

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    def to_json(self) -> dict[str, Any]:
        doc = self.document or DocumentStats(0, 0, 0, 0)
        return {
            "file": self.file,
            "student": {
                "name": self.student.name,
                "id": self.student.id,
                "source": self.student.source,
            },
            "status": self.status,
            "error": self.error.to_json() if self.error else None,
            "rubric": self.rubric.to_json(),
            "total": None if self.total is None else round(self.total, 2),
            "level": self.level,
            "summary": self.summary,
            "warnings": list(self.warnings),
            "document": doc.to_json(),
            "sections": [s.to_json() for s in self.sections],
            **self.extra,
        }
