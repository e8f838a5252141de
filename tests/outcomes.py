"""Section results for tests that render, report or batch outcomes without grading a document.

    from tests.outcomes import section_outcome

    section_outcome(id="s2", title="Organigrama", score=40.0, length_ok=False)
    section_outcome(id="s3", **NOT_FOUND, heading_reason="ningún encabezado se parece")
"""

from __future__ import annotations

from typing import Any

from kamgrade.outcome import SectionOutcome

# A section that was found, is long enough and met everything; tests override what they vary.
_FOUND: dict[str, Any] = dict(
    id="s1",
    title="Cuentas clave",
    found=True,
    heading="1. Cuentas clave",
    confidence=0.97,
    heading_reason="estilo Título 1",
    words=300,
    characters=1850,
    prompt_words=0,
    prompt_characters=0,
    cuartillas=1.2,
    min_cuartillas=1.0,
    length_ok=True,
    length_factor=1.0,
    content_score=100.0,
    score=100.0,
    weight=100.0,
    level=None,
    level_descriptor=None,
    figures=0,
    tables=0,
    elements=(),
    notes=(),
)


# What a section that was not found reports (its 0 score and empty measures).
NOT_FOUND: dict[str, Any] = dict(
    found=False,
    heading=None,
    confidence=0.0,
    words=0,
    characters=0,
    cuartillas=0.0,
    length_ok=False,
    length_factor=0.0,
    content_score=0.0,
    score=0.0,
    level=None,
    level_descriptor=None,
)


def section_outcome(**fields: Any) -> SectionOutcome:
    """A found, complete section; `fields` override any `SectionOutcome` field."""
    return SectionOutcome(**{**_FOUND, **fields})
