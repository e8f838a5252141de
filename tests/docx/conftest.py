"""Fixtures for the reader tests: documents built in memory from raw WordprocessingML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kamgrade.intake import ReadLimits
from kamgrade.model import DocModel
from kamgrade.reader import read_submission
from tests.badfiles import build_docx

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def pytest_configure(config: pytest.Config) -> None:
    # "ci" is the default; an explicit --hypothesis-profile (e.g. `make fuzz`: long) wins.
    if config.getoption("hypothesis_profile", None) is None:
        settings.load_profile("ci")

MakeDocx = Callable[..., bytes]
ReadDocx = Callable[..., DocModel]


@pytest.fixture
def make_docx() -> MakeDocx:
    """`make_docx(body_xml, styles_xml=None, numbering_xml=None, extra_parts={...}, ...)` -> bytes.

    See `tests.badfiles.build_docx` for every keyword.
    """
    return build_docx


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[bytes, str], Path]:
    """Write bytes under `tmp_path` with the given file name and return the path."""

    def write(data: bytes, name: str = "alumno.docx") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def read_docx(write_file: Callable[[bytes, str], Path]) -> ReadDocx:
    """`read_docx(body_xml, **build_docx_kwargs)` -> DocModel, through `read_submission`."""

    def read(body_xml: str = "", *, limits: ReadLimits | None = None, name: str = "a.docx",
             **kwargs: object) -> DocModel:
        data = build_docx(body_xml, **kwargs) if body_xml or "document_xml" in kwargs \
            else build_docx(**kwargs)
        return read_submission(write_file(data, name), limits or ReadLimits())

    return read


def texts(doc: DocModel) -> list[str]:
    """Body paragraph texts, as `iter_paragraphs` yields them."""
    return [p.text for p in doc.iter_paragraphs()]
