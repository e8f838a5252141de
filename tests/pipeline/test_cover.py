"""Student name and matrícula from the cover page, in the ways students write them."""

from __future__ import annotations

import pytest

from kamgrade.cover import student_from_cover
from kamgrade.model import Cell, Paragraph, Table


def paragraphs(*lines: str) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(text=line) for line in lines)


@pytest.mark.parametrize(
    ("lines", "name", "sid"),
    [
        (
            ("Universidad Tecmilenio", "Ventas", "Alumna: Ana López Ruiz", "Matrícula: AL02934817"),
            "Ana López Ruiz",
            "AL02934817",
        ),
        (
            (
                "UNIVERSIDAD TECMILENIO",
                "Elaboró: Andrea Sofía Montemayor Cantú",
                "Matrícula: AL03277160",
            ),
            "Andrea Sofía Montemayor Cantú",
            "AL03277160",
        ),
        (
            (
                "Universidad Tecmilenio",
                "Actividad 3",
                "Cuentas clave",
                "Ricardo Emmanuel Villalobos Nava",
                "AL03311468",
            ),
            "Ricardo Emmanuel Villalobos Nava",
            "AL03311468",
        ),
        (
            ("Ventas", "María de la Luz Garza Treviño", "Matricula AL01234567"),
            "María de la Luz Garza Treviño",
            "AL01234567",
        ),
        (("Nombre del alumno: Juan Pérez", "Profesor: Mtro. Carlos Rivera"), "Juan Pérez", None),
    ],
)
def test_cover_lines(lines, name, sid):
    student = student_from_cover(paragraphs(*lines))
    assert student is not None
    assert (student.name, student.id) == (name, sid)


def test_a_cover_laid_out_as_a_table():
    cell = lambda t: Cell(paragraphs=(Paragraph(text=t),))  # noqa: E731
    table = Table(
        rows=(
            (cell("Nombre"), cell("Matrícula")),
            (cell("Luisa Rocha Camacho"), cell("AL03412086")),
        )
    )
    student = student_from_cover((table,))
    assert (
        student is not None and student.id == "AL03412086" and student.name == "Luisa Rocha Camacho"
    )


def test_institution_and_teacher_lines_are_not_the_student():
    assert (
        student_from_cover(
            paragraphs("Universidad Tecmilenio", "Departamento de Ventas", "Campus Monterrey")
        )
        is None
    )
