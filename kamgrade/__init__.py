"""kamgrade: grade written assignments (.docx) against YAML rubrics, with Spanish feedback."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kamgrade")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
