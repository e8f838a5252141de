"""Rubrics: the YAML format, its loader and validation."""

from kamgrade.rubric.loader import (
    LoadedRubric,
    default_rubric_path,
    load_rubric,
    load_rubric_text,
    rubric_ref,
    validate_rubric_file,
)
from kamgrade.rubric.model import Detector, Element, Rubric, Section

__all__ = [
    "Detector",
    "Element",
    "LoadedRubric",
    "Rubric",
    "Section",
    "default_rubric_path",
    "load_rubric",
    "load_rubric_text",
    "rubric_ref",
    "validate_rubric_file",
]
