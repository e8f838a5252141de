"""Rubrics: the YAML format, its loader and validation."""

from kamgrade.rubric.loader import LoadedRubric, load_rubric, default_rubric_path
from kamgrade.rubric.model import Detector, Element, Rubric, Section

__all__ = ["Detector", "Element", "LoadedRubric", "Rubric", "Section", "default_rubric_path", "load_rubric"]
