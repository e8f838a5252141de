"""The result contract of results.json (README, "El resultado"): the keys every test checks."""

from __future__ import annotations

CONTRACT_KEYS = frozenset(
    {"file", "student", "status", "error", "rubric", "total", "warnings", "document", "sections"}
)
SECTION_KEYS = frozenset(
    {
        "id", "title", "found", "heading", "confidence", "words", "characters", "prompt_words",
        "cuartillas", "min_cuartillas", "length_ok", "score", "weight", "elements",
    }
)  # fmt: skip
ELEMENT_KEYS = frozenset({"id", "met", "points", "max_points", "evidence"})
