"""The student's name and matrícula, read from the cover page."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kamgrade.model import Block, Table, block_paragraphs
from kamgrade.outcome import Student
from kamgrade.textnorm import fold

_ID = re.compile(r"\b(AL\s?0\d{7}|A0\d{7}|\d{6,9})\b", re.IGNORECASE)
_ID_LABEL = re.compile(
    r"^(?:matr[ií]cula|id|n[uú]mero de (?:control|cuenta|estudiante)|no\.? de control)\s*[:.\-]?\s*(.+)$",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(
    r"^(?:nombre(?: del? (?:alumn[oa]|estudiante))?(?: completo)?|alumn[oa]|estudiante|elabor[oó]|elaborado por|"
    r"realiz[oó]|realizado por|present[ao]|presentado por|autor[a]?|integrante)\s*[:.\-]\s*(.+)$",
    re.IGNORECASE,
)
_NOT_NAME = (
    "universidad",
    "tecmilenio",
    "ventas",
    "profesor",
    "maestr",
    "docente",
    "tutor",
    "actividad",
    "fecha",
    "campus",
    "materia",
    "curso",
    "tema",
    "evidencia",
    "reporte",
    "cuentas",
    "clave",
    "grupo",
    "semestre",
    "licenciatura",
    "carrera",
    "modulo",
    "semana",
    "mexico",
    "facultad",
    "escuela",
    "empresa",
    "banca",
    "division",
    "caso",
    "canal",
    "convenio",
    "departamento",
    "direccion",
    "gerencia",
)
_NAME_SHAPE = re.compile(
    r"^[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?:\s+(?:de\s+la\s+|del\s+|de\s+)?[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+){1,5}$"
)


def _lines(blocks: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Table):
            for row in b.rows:
                out.extend(" ".join(c.text.split()) for c in row)
        else:
            out.extend(" ".join(p.text.split()) for p in block_paragraphs(b))
    return [line for line in out if line]


def student_from_cover(blocks: Sequence[Block]) -> Student | None:
    """Name and matrícula from the first lines of the document (the cover page)."""
    lines = _lines(blocks[:40])[:40]
    name: str | None = None
    sid: str | None = None
    for i, line in enumerate(lines):
        for part in re.split(r"\s{2,}|\t|\s\|\s", line):
            m = _ID_LABEL.match(part.strip())
            if m and sid is None:
                found = _ID.search(m.group(1))
                sid = (found.group(1) if found else m.group(1).strip()).replace(" ", "").upper()
            m = _NAME_LABEL.match(part.strip())
            if m and name is None:
                candidate = re.split(r"\s+(?:matr[ií]cula|id)\b", m.group(1), flags=re.IGNORECASE)[
                    0
                ].strip(" .,-")
                if candidate:
                    name = candidate
        if sid is None:
            found = _ID.search(line)
            if found and re.match(r"(?i)al\s?0|a0", found.group(1)):
                sid = found.group(1).replace(" ", "").upper()
                if name is None and i > 0:
                    prev = lines[i - 1]
                    if _looks_like_name(prev):
                        name = prev
                rest = _ID.sub("", line).strip(" -–—,:|")
                if name is None and _looks_like_name(rest):
                    name = rest
    if name is None:
        for line in lines[:25]:
            if _looks_like_name(line):
                name = line
                break
    if name is None and sid is None:
        return None
    return Student(name=name, id=sid, source="cover")


def _looks_like_name(line: str) -> bool:
    """2-6 capitalised words ("de la" allowed inside), none of them an institution word."""
    folded = fold(line)
    if any(w in folded for w in _NOT_NAME):
        return False
    return bool(_NAME_SHAPE.match(line.strip())) and 2 <= len(line.split()) <= 7
