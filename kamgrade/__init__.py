"""kamgrade: grade written assignments (.docx) against YAML rubrics, with Spanish feedback."""

from __future__ import annotations

# The one place the version is written (pyproject.toml reads it from here): importing
# importlib.metadata to look it up cost every command, `--help` included, ~40 ms.
__version__ = "0.1.0"

# Collector thresholds while kamgrade imports its libraries and grades: both allocate hundreds of
# thousands of short-lived, acyclic objects, and with the default gen-0 threshold (700) the
# collector ran thousands of times for almost no garbage (~20 % of the CPU of a batch).
GC_THRESHOLDS = (100_000, 50, 100)

__all__ = ["__version__", "grade_batch", "grade_document", "grade_file", "load_rubric"]


def __getattr__(name: str) -> object:
    """The library API, imported on first use so that `kamgrade --help` stays fast."""
    if name == "load_rubric":
        from kamgrade.rubric import load_rubric

        return load_rubric
    if name in ("grade_file", "grade_document"):
        from kamgrade import grading

        return getattr(grading, name)
    if name == "grade_batch":
        from kamgrade.batch import grade_batch

        return grade_batch
    raise AttributeError(f"module 'kamgrade' has no attribute {name!r}")
