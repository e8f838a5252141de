"""Submission specs for tests: a short four-section KAM report in every heading form, plus one
spec per construct the reader must handle (pasted prompt, missing section, tables, pictures,
SmartArt, text boxes, tracked changes, footnotes, TOC, cover page, lists).

Every function returns a fresh dict (safe to mutate) in the format of tests/SUBMISSION_SPEC.md;
render it with `tests.docbuilder.build_docx(spec)`, whose `.truth` holds the expected counts::

    from tests.docbuilder import build_docx
    from tests.fixtures import ALL_HEADING_FORMS, heading_form_spec

    built = build_docx(heading_form_spec("caps-bold"))
    built.truth["s1"]["heading"]  # "1. CUENTAS CLAVE"
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tests.docbuilder import HEADING_FORMS

__all__ = [
    "ALL_HEADING_FORMS",
    "FEATURE_SPECS",
    "SECTION_IDS",
    "SECTION_TITLES",
    "STUDENT",
    "all_fixture_specs",
    "cover_spec",
    "footnote_spec",
    "heading_form_spec",
    "image_spec",
    "kam_body",
    "kam_report_spec",
    "lists_spec",
    "missing_section_spec",
    "pasted_prompt_spec",
    "smartart_spec",
    "table_spec",
    "textbox_spec",
    "tiny_spec",
    "toc_spec",
    "tracked_changes_spec",
]

Spec = dict[str, Any]
Block = dict[str, Any]

ALL_HEADING_FORMS: tuple[str, ...] = HEADING_FORMS
SECTION_IDS: tuple[str, ...] = ("s1", "s2", "s3", "s4")
SECTION_TITLES: dict[str, str] = {
    "s1": "Cuentas clave",
    "s2": "Relaciones con clientes",
    "s3": "Relaciones en el departamento",
    "s4": "Propuesta de mejora",
}
STUDENT: dict[str, str] = {"name": "Ana López Ruiz", "matricula": "AL02934817"}

# 40-80 words per section, holding the facts the rubric asks for.
_BODY: dict[str, tuple[str, ...]] = {
    "s1": (
        "La empresa elegida es Grupo Lácteo del Norte, donde trabajo desde hace dos años. "
        "El departamento se organiza por línea de producto: lácteos, bebidas y postres.",
        "El departamento de cuentas clave tiene 12 vendedores, de una fuerza de ventas total de "
        "80 personas, es decir, el 15 % del equipo comercial. Cada KAM atiende 6 clientes. Las "
        "cuentas clave representan el 35 % de las ventas totales de la empresa.",
    ),
    "s2": (
        "Entrevisté por separado a dos vendedores del departamento. Laura atiende 5 cuentas "
        "clave y tiene 3 contactos en cada empresa cliente; lleva en promedio 4 años con cada "
        "cliente. Jorge atiende 7 cuentas clave, con 2 contactos por cliente y 6 años de relación.",
        "Para ambos, su cliente principal representa el 40 % de sus ventas. Su rutina incluye "
        "una visita semanal y una llamada de seguimiento. Ambos consiguen información sobre "
        "nuevos proyectos en reuniones con compras.",
    ),
    "s3": (
        "El departamento de cuentas clave debe depender de la Dirección Comercial, porque sus "
        "clientes concentran la mayor parte del ingreso y necesitan decisiones rápidas.",
        "Propongo un equipo de 9 empleados: un gerente, seis KAM, un analista financiero y un "
        "coordinador de soporte de ventas. Sus relaciones internas son con logística, finanzas "
        "y producción; sus relaciones externas, con compradores, distribuidores y agencias.",
    ),
    "s4": (
        "Propongo tres estrategias para evitar los problemas del departamento. Primero, rotar a "
        "los KAM cada tres años para reducir la dependencia de una sola persona. Segundo, medir "
        "la rentabilidad de cada cuenta cada trimestre. Tercero, documentar en el CRM todos los "
        "contactos con el cliente. Con estas acciones la empresa protege sus ventas y mejora la "
        "relación con sus cuentas clave.",
    ),
}
_INTRO = (
    "En este reporte analizo el departamento de cuentas clave de una empresa de alimentos y "
    "propongo mejoras para su relación con los clientes."
)
_CONCLUSION = (
    "Las cuentas clave sostienen una parte importante del negocio; por ello conviene cuidarlas "
    "con un equipo bien organizado y con información compartida."
)
_REFERENCE = "Cheverton, P. (2012). Key account management. Londres: Kogan Page."
_COVER = [
    "Universidad Tecmilenio",
    "Ventas",
    "Actividad 3. Cuentas clave",
    STUDENT["name"],
    f"Matrícula: {STUDENT['matricula']}",
    "Profesor: Mtro. Carlos Rivera",
    "12 de octubre de 2026",
]


def kam_body(section_id: str) -> list[Block]:
    """The default body blocks of a section: its answer paragraphs (`p` blocks)."""
    return [{"p": text} for text in _BODY[section_id]]


def kam_report_spec(
    form: str = "word-styles",
    *,
    file: str | None = None,
    numbered: bool = True,
    sections: Sequence[str] = SECTION_IDS,
    section_blocks: Mapping[str, Sequence[Block]] | None = None,
    before: Sequence[Block] = (),
    intro: bool = True,
    conclusion: bool = True,
    application: str = "Microsoft Office Word",
) -> Spec:
    """A short KAM report: optional Introducción, the `sections`, optional Conclusión/Referencias.

    `section_blocks[sid]` replaces a section's body (start from `kam_body(sid)` to extend it);
    `before` goes first (cover, toc). Numbers are the section's position in SECTION_IDS, so a
    missing s3 leaves "4. Propuesta de mejora" as written.
    """
    if form not in HEADING_FORMS:
        raise ValueError(f"unknown heading form {form!r}; use one of {HEADING_FORMS}")
    overrides = section_blocks or {}
    blocks: list[Block] = [copy.deepcopy(b) for b in before]
    if intro:
        blocks += [{"heading": "Introducción"}, {"p": _INTRO}]
    for sid in sections:
        head: Block = {"section": sid, "title": SECTION_TITLES[sid]}
        if numbered:
            head["number"] = SECTION_IDS.index(sid) + 1
        blocks.append(head)
        body = overrides[sid] if sid in overrides else kam_body(sid)
        blocks += [copy.deepcopy(b) for b in body]
    if conclusion:
        blocks += [
            {"heading": "Conclusión"},
            {"p": _CONCLUSION},
            {"heading": "Referencias"},
            {"p": _REFERENCE},
        ]
    return {
        "file": file or f"kam_{form}.docx",
        "application": application,
        "headings": form,
        "student": dict(STUDENT),
        "blocks": blocks,
    }


def heading_form_spec(form: str, *, numbered: bool = True) -> Spec:
    """The four-section report with its headings written in `form` (one of ALL_HEADING_FORMS)."""
    return kam_report_spec(form, file=f"heading_{form}.docx", numbered=numbered)


def pasted_prompt_spec(form: str = "word-styles") -> Spec:
    """s1 and s2 open with the prompt's questions pasted as bullets (s2 as plain paragraphs)."""
    return kam_report_spec(
        form,
        file="pasted_prompt.docx",
        section_blocks={
            "s1": [{"pasted_prompt": "s1"}, *kam_body("s1")],
            "s2": [{"pasted_prompt": "s2", "as": "paragraphs"}, *kam_body("s2")],
        },
    )


def missing_section_spec(missing: str = "s3", form: str = "word-styles") -> Spec:
    """The report without section `missing`."""
    return kam_report_spec(
        form,
        file=f"missing_{missing}.docx",
        sections=[s for s in SECTION_IDS if s != missing],
    )


def table_spec(form: str = "word-styles") -> Spec:
    """s1 ends with a 4x2 table of the department's head count (cells count as words)."""
    table = [
        ["Área", "Personas"],
        ["Cuentas clave", "12"],
        ["Soporte de ventas", "4"],
        ["Fuerza de ventas total", "80"],
    ]
    return kam_report_spec(
        form, file="table.docx", section_blocks={"s1": [*kam_body("s1"), {"table": table}]}
    )


def image_spec(form: str = "word-styles") -> Spec:
    """s3 holds the organigram as a PNG picture with a caption (the caption counts)."""
    image = {"image": "Organigrama de Grupo Lácteo del Norte", "caption": "Figura 1. Organigrama"}
    return kam_report_spec(form, file="image.docx", section_blocks={"s3": [*kam_body("s3"), image]})


def smartart_spec(form: str = "word-styles") -> Spec:
    """s3 holds the organigram as SmartArt (its text never counts)."""
    art = {"smartart": ["Dirección General", "Dirección Comercial", "Gerencia de Cuentas Clave"]}
    return kam_report_spec(
        form, file="smartart.docx", section_blocks={"s3": [*kam_body("s3"), art]}
    )


TEXTBOX_TEXTS: tuple[str, ...] = ("Director General", "Director Comercial", "Gerente KAM")


def textbox_spec(form: str = "word-styles") -> Spec:
    """s3 holds the organigram as three Word text boxes (each counts once)."""
    boxes = {"textboxes": list(TEXTBOX_TEXTS)}
    return kam_report_spec(
        form, file="textboxes.docx", section_blocks={"s3": [*kam_body("s3"), boxes]}
    )


def tracked_changes_spec(form: str = "word-styles") -> Spec:
    """s1 has a tracked insertion and deletion; s2 has a whole deleted paragraph."""
    s1 = kam_body("s1")
    s1[1] = {
        **s1[1],
        "inserted": " Además, hay 4 personas de soporte de ventas.",
        "deleted": " Esta frase fue borrada con control de cambios.",
    }
    s2 = [{"deleted_p": "Este párrafo completo fue eliminado antes de entregar."}, *kam_body("s2")]
    return kam_report_spec(form, file="tracked_changes.docx", section_blocks={"s1": s1, "s2": s2})


def footnote_spec(form: str = "word-styles") -> Spec:
    """s2's first paragraph carries a footnote (not body text)."""
    s2 = kam_body("s2")
    s2[0] = {**s2[0], "footnote": "Entrevistas realizadas el 3 y el 5 de octubre de 2026."}
    return kam_report_spec(form, file="footnote.docx", section_blocks={"s2": s2})


def cover_spec(form: str = "word-styles") -> Spec:
    """A cover page (centred lines, page break) before the report."""
    return kam_report_spec(form, file="cover.docx", before=[{"cover": list(_COVER)}])


def toc_spec(form: str = "word-styles") -> Spec:
    """Cover, a Word TOC field with cached entries, a page break, then the report."""
    before: list[Block] = [{"cover": list(_COVER)}, {"toc": True}, {"page_break": True}]
    return kam_report_spec(form, file="toc.docx", before=before)


def lists_spec(form: str = "word-styles") -> Spec:
    """Bulleted, numbered and indented lists inside sections (all count as body text)."""
    bullets = {"bullets": ["Visita semanal al cliente.", "Llamada de seguimiento los viernes."]}
    numbered = {"numbered": ["Gerente de cuentas clave.", "Seis KAM.", "Un analista financiero."]}
    indented = {
        "indented": [[0, "Dirección General"], [1, "Dirección Comercial"], [2, "Gerencia KAM"]]
    }
    return kam_report_spec(
        form,
        file="lists.docx",
        section_blocks={
            "s2": [*kam_body("s2"), {"subheading": "Rutina de los vendedores"}, bullets],
            "s3": [*kam_body("s3"), numbered, indented],
        },
    )


def tiny_spec() -> Spec:
    """A one-section document small enough to count by hand (see tests/test_docbuilder.py).

    s1 body: "Tiene 12 vendedores. Más." (4 words, 25 chars: text + tracked insertion), bullets
    "Uno dos" / "tres" (3, 11), table "A" / "B c" (3, 4), text box "Caja uno" (2, 8): 12 words,
    48 characters. Deleted text, the footnote, the picture and SmartArt do not count; neither
    does anything after "Conclusión".
    """
    return {
        "file": "tiny.docx",
        "application": "Microsoft Office Word",
        "headings": "word-styles",
        "student": dict(STUDENT),
        "blocks": [
            {"p": "Antes de la primera sección."},
            {"section": "s1", "title": "Cuentas clave", "number": 1},
            {
                "p": "Tiene 12 vendedores.",
                "inserted": " Más.",
                "deleted": " Nada de esto.",
                "footnote": "Nota no contada.",
            },
            {"deleted_p": "Párrafo borrado entero."},
            {"bullets": ["Uno dos", "tres"]},
            {"table": [["A", "B c"]]},
            {"image": "Organigrama"},
            {"smartart": ["No cuenta"]},
            {"textboxes": ["Caja uno"]},
            {"heading": "Conclusión"},
            {"p": "Esto tampoco cuenta."},
        ],
    }


FEATURE_SPECS: dict[str, Callable[[], Spec]] = {
    "pasted_prompt": pasted_prompt_spec,
    "missing_section": missing_section_spec,
    "table": table_spec,
    "image": image_spec,
    "smartart": smartart_spec,
    "textboxes": textbox_spec,
    "tracked_changes": tracked_changes_spec,
    "footnote": footnote_spec,
    "toc": toc_spec,
    "cover": cover_spec,
    "lists": lists_spec,
    "tiny": tiny_spec,
}


def all_fixture_specs() -> dict[str, Spec]:
    """Every fixture by name: "heading:<form>" for the 12 forms, then the FEATURE_SPECS names."""
    specs = {f"heading:{form}": heading_form_spec(form) for form in ALL_HEADING_FORMS}
    specs.update({name: make() for name, make in FEATURE_SPECS.items()})
    return specs
