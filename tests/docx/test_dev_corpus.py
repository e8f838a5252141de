"""The labelled dev corpus: body words between section headings equal the instructor's labels.

Only sections followed by another labelled section are checked (where the last one ends is the
sectioning stage's job). Skipped when ../shared/dev-corpus is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamgrade.model import Paragraph
from kamgrade.reader import read_submission
from kamgrade.textnorm import count_words, fold

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "dev-corpus"
LABELS = DEV / "labels.json"

pytestmark = pytest.mark.skipif(not LABELS.is_file(), reason="dev corpus not found")


def _key(text: str) -> str:
    return fold(text).strip().rstrip(":").strip()


def _heading_index(paras: list[Paragraph], heading: str) -> int:
    want = _key(heading)
    for i, p in enumerate(paras):
        numbered = f"{p.numbering} {p.text}" if p.numbering else p.text
        if want in (_key(p.text), _key(numbered)):
            return i
    raise AssertionError(f"heading {heading!r} not found")


def _labels() -> dict[str, dict[str, object]]:
    return json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.is_file() else {}


@pytest.mark.parametrize("key", sorted(_labels()))
def test_section_words_between_headings_match_labels(key: str) -> None:
    label = _labels()[key]
    doc = read_submission(DEV / str(label["file"]))
    paras = [p for p in doc.iter_paragraphs() if not p.is_toc]
    sections: dict[str, dict[str, object]] = label["sections"]  # type: ignore[assignment]
    starts = sorted((_heading_index(paras, str(s["heading"])), sid) for sid, s in sections.items())
    for (start, sid), (end, _) in zip(starts, starts[1:], strict=False):
        words = sum(count_words(p.text) for p in paras[start + 1:end])
        assert words == sections[sid]["words"], sid


def test_auto_numbered_headings_get_their_labels() -> None:
    doc = read_submission(DEV / "dev04.docx")
    numbered = [(p.numbering, p.text) for p in doc.iter_paragraphs() if p.outline_level == 0]
    assert numbered[:2] == [("1.", "Cuentas clave"), ("2.", "Relaciones con clientes")]


def test_tracked_deletion_footnotes_and_text_box_org_chart() -> None:
    doc = read_submission(DEV / "dev08.docx")
    body = " ".join(p.text for p in doc.iter_paragraphs())
    assert "tercera entrevista" not in body
    assert len([n for n in doc.notes if n.kind == "footnote"]) >= 3
    assert body.count("Dirección de Crédito y Cobranza") >= 1
