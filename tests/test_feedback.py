"""Feedback rendering: Spanish content, escaping, the .docx, custom templates, template errors."""

from __future__ import annotations

import io
import os
import re
import zipfile
from html import unescape
from pathlib import Path
from typing import Any

import docx
import pytest

from kamgrade.errors import ExitCode, KamgradeError
from kamgrade.feedback import (
    TemplateProblem,
    check_templates,
    default_templates_dir,
    escape_markup,
    feedback_basename,
    format_number,
    render_feedback,
    trim_quote,
    warm_up,
)
from kamgrade.outcome import (
    DocumentStats,
    ElementOutcome,
    RubricRef,
    SectionOutcome,
    Student,
    SubmissionError,
    SubmissionOutcome,
)
from kamgrade.rubric.model import Rubric
from kamgrade.wordfile import FIXED_DATE, markup_to_docx
from tests.outcomes import NOT_FOUND, section_outcome

SNAPSHOTS = Path(__file__).parent / "snapshots"

RUBRIC_DATA: dict[str, Any] = {
    "schema_version": 1,
    "id": "kam_prueba",
    "title": "Actividad 3. Cuentas clave",
    "version": "2026.1",
    "cuartilla": {"unit": "words", "per_cuartilla": 250},
    "levels": [
        {"name": "Sobresaliente", "min_score": 90, "descriptor": "Cubre todo con datos concretos."},
        {"name": "Satisfactorio", "min_score": 70, "descriptor": "Cubre lo esencial."},
        {"name": "En desarrollo", "min_score": 0, "descriptor": "Faltan elementos centrales."},
    ],
    "sections": [
        {
            "id": "s1",
            "title": "Cuentas clave",
            "aliases": ["Clientes clave"],
            "weight": 60,
            "min_cuartillas": 1,
            "elements": [
                {
                    "id": "s1.criterio",
                    "description": "Criterio para elegir las cuentas clave",
                    "points": 50,
                    "feedback_missing": "Explica con qué criterio eliges las cuentas clave.",
                    "detector": {"lemmas": ["criterio"]},
                },
                {
                    "id": "s1.volumen",
                    "description": "Volumen de compra con cifras",
                    "points": 50,
                    "feedback_missing": "Agrega el volumen de compra anual de cada cuenta.",
                    "detector": {"number_near": {"words": ["compra"]}},
                },
            ],
        },
        {
            "id": "s2",
            "title": "Organigrama del área de ventas",
            "weight": 40,
            "min_cuartillas": 2,
            "elements": [
                {
                    "id": "s2.organigrama",
                    "description": "Organigrama",
                    "points": 100,
                    "feedback_missing": (
                        "Incluye un organigrama (imagen o lista con niveles) del área."
                    ),
                    "detector": {"figure": {"kinds": ["image", "diagram"]}},
                }
            ],
        },
    ],
}


@pytest.fixture
def rubric() -> Rubric:
    return Rubric.model_validate(RUBRIC_DATA)


DESCRIPTIONS = {
    "s1.criterio": "Criterio para elegir las cuentas clave",
    "s1.volumen": "Volumen de compra con cifras",
    "s2.organigrama": "Organigrama",
}


def element(
    eid: str, met: bool, max_points: float, evidence: tuple[str, ...] = (), feedback: str = ""
) -> ElementOutcome:
    return ElementOutcome(
        id=eid,
        description=DESCRIPTIONS[eid],
        met=met,
        points=max_points if met else 0.0,
        max_points=max_points,
        evidence=evidence,
        feedback=feedback,
        explanation="",
    )


def section(sid: str, **overrides: Any) -> SectionOutcome:
    first = sid == "s1"
    return section_outcome(
        **{
            "id": sid,
            "title": "Cuentas clave" if first else "Organigrama del área de ventas",
            "heading": "1. Cuentas clave" if first else "2. Organigrama",
            "min_cuartillas": 1.0 if first else 2.0,
            "weight": 60.0 if first else 40.0,
            "level": "Sobresaliente",
            "level_descriptor": "Cubre todo con datos concretos.",
            **overrides,
        }
    )


REF = RubricRef(id="kam_prueba", version="2026.1", sha256="0" * 64, path="rubrica.yaml")
QUOTE = (
    "Elegimos como cuentas clave a los clientes que compran más de 2 millones al año, "
    "criterio que acordamos con el gerente."
)


def outcome(*sections: SectionOutcome, **overrides: Any) -> SubmissionOutcome:
    fields: dict[str, Any] = dict(
        file="entregas/Ana López Ruiz_actividad3.docx",
        student=Student(name="Ana López Ruiz", id="AL02934817", source="cover"),
        status="graded",
        rubric=REF,
        total=60.0,
        level="En desarrollo",
        summary="Buen trabajo en las cuentas clave; falta el organigrama.",
        warnings=("El documento tiene cambios controlados sin aceptar.",),
        document=DocumentStats(words=700, paragraphs=20, tables=0, figures=0, characters=4300),
        sections=sections,
    )
    fields.update(overrides)
    return SubmissionOutcome(**fields)


def s1_full(*evidence: str) -> SectionOutcome:
    return section(
        "s1",
        elements=(
            element("s1.criterio", True, 50, evidence or (QUOTE,)),
            element("s1.volumen", True, 50, ("Grupo Norte compra 3.5 millones de pesos al año.",)),
        ),
    )


def s2_short_without_chart() -> SectionOutcome:
    return section(
        "s2",
        words=380,
        characters=2400,
        cuartillas=1.52,
        length_ok=False,
        length_factor=0.76,
        content_score=0.0,
        score=0.0,
        level="En desarrollo",
        level_descriptor="Faltan elementos centrales.",
        elements=(
            element(
                "s2.organigrama",
                False,
                100,
                feedback="Incluye un organigrama (imagen o lista con niveles) del área.",
            ),
        ),
        notes=("La sección tiene 1.52 de 2 cuartillas: la calificación se multiplicó por 0.76.",),
    )


def full_outcome() -> SubmissionOutcome:
    return outcome(s1_full(), s2_short_without_chart())


def missing_section_outcome() -> SubmissionOutcome:
    s2 = section(
        "s2",
        **NOT_FOUND,
        heading_reason="ningún encabezado se parece lo suficiente",
        elements=(element("s2.organigrama", False, 100),),  # no feedback: the rubric's is used
    )
    return outcome(s1_full(), s2, total=60.0)


def pasted_prompt_outcome() -> SubmissionOutcome:
    s1 = section(
        "s1",
        words=180,
        characters=1100,
        prompt_words=64,
        prompt_characters=410,
        cuartillas=0.72,
        length_ok=False,
        length_factor=0.72,
        content_score=100.0,
        score=72.0,
        elements=(
            element("s1.criterio", True, 50, (QUOTE,)),
            element("s1.volumen", True, 50, ("Grupo Norte compra 3.5 millones al año.",)),
        ),
    )
    return outcome(s1, s2_short_without_chart(), total=43.2)


def error_outcome() -> SubmissionOutcome:
    return SubmissionOutcome(
        file="entregas/luis_perez.docx",
        student=Student(name="Luis Pérez", id=None, source="filename"),
        status="error",
        rubric=REF,
        error=SubmissionError(
            code="encrypted",
            message="el archivo está protegido con contraseña. Entrega una copia sin contraseña.",
        ),
    )


def md(result: dict[str, bytes]) -> str:
    return result["md"].decode("utf-8")


def html(result: dict[str, bytes]) -> str:
    return result["html"].decode("utf-8")


def open_docx(result: dict[str, bytes]) -> Any:
    return docx.Document(io.BytesIO(result["docx"]))


def docx_text(result: dict[str, bytes]) -> str:
    document = open_docx(result)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines)


def html_text(result: dict[str, bytes]) -> str:
    """The HTML's visible text: tags dropped, entities decoded, spaces collapsed."""
    body = html(result).split("<body>", 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()).replace(" .", ".")


def every_format(result: dict[str, bytes]) -> list[str]:
    """Markdown (bold markers dropped), HTML text and .docx text, to assert the same content."""
    return [md(result).replace("**", ""), html_text(result), docx_text(result)]


# --------------------------------------------------------------------------- content


def test_graded_feedback_greets_the_student_and_states_total_and_level(rubric: Rubric) -> None:
    result = render_feedback(full_outcome(), rubric)
    assert set(result) == {"md", "html", "docx"}
    for text in every_format(result):
        assert "Hola, Ana López Ruiz:" in text
        assert "60/100" in text
        assert "En desarrollo" in text
        assert "Faltan elementos centrales." in text  # the overall level's descriptor
        assert "Buen trabajo en las cuentas clave; falta el organigrama." in text  # summary
        assert "El documento tiene cambios controlados sin aceptar." in text  # warning


def test_each_section_shows_title_score_weight_and_found_heading(rubric: Rubric) -> None:
    for text in every_format(render_feedback(full_outcome(), rubric)):
        assert "Cuentas clave: 100/100 (peso 60 %)" in text
        assert "Organigrama del área de ventas: 0/100 (peso 40 %)" in text
        assert "Encontré la sección con el encabezado «1" in text
        assert "Nivel de desempeño:" in text
        assert "Cubre todo con datos concretos." in text


def test_met_element_quotes_its_evidence_and_missing_one_says_what_to_add(rubric: Rubric) -> None:
    for text in every_format(render_feedback(full_outcome(), rubric)):
        assert "✓" in text and "✗" in text
        assert f"«{QUOTE}»" in text
        assert "Incluye un organigrama (imagen o lista con niveles) del área." in text
        assert "2 de 2 cumplidos" in text and "0 de 1 cumplidos" in text


def test_long_evidence_is_trimmed_to_about_160_characters(rubric: Rubric) -> None:
    long = "Nuestro criterio " + "considera el volumen de compra y la rentabilidad " * 10
    text = md(render_feedback(outcome(s1_full(long), s2_short_without_chart()), rubric))
    quoted = text.split("«Nuestro criterio", 1)[1].split("»", 1)[0]
    assert quoted.endswith("…")
    assert len("Nuestro criterio" + quoted) <= 160


def test_length_is_reported_in_words_characters_and_cuartillas_with_the_unit(
    rubric: Rubric,
) -> None:
    for text in every_format(render_feedback(full_outcome(), rubric)):
        assert "1 cuartilla = 250 palabras" in text
        assert "380 palabras y 2,400 caracteres con espacios = 1.52 cuartillas" in text
        assert "Mínimo: 2 cuartillas = 500 palabras." in text
        assert "Te faltan alrededor de 120 palabras para llegar al mínimo." in text
        assert "Mínimo: 1 cuartilla = 250 palabras. Cumples la extensión mínima." in text


def test_character_unit_is_stated_when_the_rubric_counts_characters() -> None:
    data = {**RUBRIC_DATA, "cuartilla": {"unit": "characters", "per_cuartilla": 1700}}
    result = render_feedback(full_outcome(), Rubric.model_validate(data))
    for text in every_format(result):
        assert "1 cuartilla = 1,700 caracteres con espacios" in text
        assert "Mínimo: 2 cuartillas = 3,400 caracteres con espacios." in text


def test_length_penalty_and_notes_explain_why_points_were_lost(rubric: Rubric) -> None:
    for text in every_format(render_feedback(pasted_prompt_outcome(), rubric)):
        assert "Por qué se perdieron puntos:" in text
        # the grader's own notes carry the arithmetic; the template does not redo it
        assert "por la extensión se multiplicó" not in text
        assert "La sección tiene 1.52 de 2 cuartillas" in text


def test_missing_section_says_it_was_not_found_and_how_to_fix_it(rubric: Rubric) -> None:
    for text in every_format(render_feedback(missing_section_outcome(), rubric)):
        assert "No se encontró la sección «Organigrama del área de ventas»." in text
        assert "Escribe un encabezado con ese título" in text
        assert "La sección debe tener al menos 2 cuartillas = 500 palabras." in text
        assert "por la extensión se multiplicó" not in text
        # no length report for a section that is not there
        assert "0 palabras y 0 caracteres" not in text
        # the element's text falls back to the rubric's feedback_missing
        assert "Incluye un organigrama (imagen o lista con niveles) del área." in text


def test_aliases_of_a_missing_section_are_suggested() -> None:
    data = RUBRIC_DATA | {"sections": [RUBRIC_DATA["sections"][0], RUBRIC_DATA["sections"][1]]}
    rubric = Rubric.model_validate(data)
    s1 = section("s1", found=False, heading=None, elements=(element("s1.criterio", False, 50),))
    text = md(render_feedback(outcome(s1), rubric))
    assert "también se reconoce: Clientes clave" in text


def test_pasted_prompt_text_is_reported_as_not_counted(rubric: Rubric) -> None:
    for text in every_format(render_feedback(pasted_prompt_outcome(), rubric)):
        assert (
            "No conté 64 palabras (410 caracteres) que coinciden con el texto de la consigna"
            in text
        )


def test_no_pasted_prompt_sentence_when_nothing_was_pasted(rubric: Rubric) -> None:
    assert "consigna: no copies" not in md(render_feedback(full_outcome(), rubric))


def test_unknown_student_name_gets_a_plain_greeting(rubric: Rubric) -> None:
    nameless = outcome(s1_full(), student=Student(name=None, id=None))
    assert md(render_feedback(nameless, rubric)).splitlines()[2] == "Hola:"


def test_error_outcome_renders_a_short_notice_in_every_format(rubric: Rubric) -> None:
    result = render_feedback(error_outcome(), rubric)
    for text in every_format(result):
        assert "Hola, Luis Pérez:" in text
        assert "No fue posible calificar tu archivo «luis_perez.docx»." in text
        assert "el archivo está protegido con contraseña. Entrega una copia sin contraseña." in text
        assert "vuelve a entregar tu trabajo" in text
        assert "encrypted" in text
        assert "/100" not in text


# --------------------------------------------------------------------------- escaping

HOSTILE = '<script>alert("x")</script> & \'comillas\' "dobles"'


def test_html_escapes_student_text(rubric: Rubric) -> None:
    text = html(render_feedback(outcome(s1_full(HOSTILE)), rubric))
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;comillas&#39;" in text


def test_markdown_neutralises_student_markup(rubric: Rubric) -> None:
    text = md(render_feedback(outcome(s1_full("# Hackeo **grande** <b>x</b>")), rubric))
    assert "«\\# Hackeo \\*\\*grande\\*\\* \\<b>x\\</b>»" in text
    assert "\n# Hackeo" not in text


def test_docx_keeps_student_text_verbatim_and_never_as_markup(rubric: Rubric) -> None:
    evidence = "# Hackeo **grande** | celda \\ <b> & fin"
    result = render_feedback(outcome(s1_full(evidence, "> cita\n## segunda línea")), rubric)
    document = open_docx(result)
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert f"«{evidence}»" in quotes
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert not any("Hackeo" in h or "segunda línea" in h for h in headings)
    assert len(document.tables) == 1
    assert [len(row.cells) for row in document.tables[0].rows] == [4, 4, 4]
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert not any("grande" in b for b in bold)


def test_control_characters_in_student_text_do_not_break_the_docx(rubric: Rubric) -> None:
    result = render_feedback(outcome(s1_full("texto\x0b con\x01 controles")), rubric)
    assert "«texto con controles»" in docx_text(result)


# --------------------------------------------------------------------------- the .docx


def test_docx_has_headings_bullets_quotes_and_a_table_of_section_scores(rubric: Rubric) -> None:
    document = open_docx(render_feedback(full_outcome(), rubric))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "Retroalimentación: Actividad 3. Cuentas clave") in styles
    assert ("Heading 2", "Cuentas clave: 100/100 (peso 60 %)") in styles
    assert ("Quote", f"«{QUOTE}»") in styles
    assert any(s == "List Bullet" and t.startswith("✗ Organigrama") for s, t in styles)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [
        ["Sección", "Peso", "Calificación", "Puntos aportados"],
        ["Cuentas clave", "60 %", "100/100", "60"],
        ["Organigrama del área de ventas", "40 %", "0/100", "0"],
        ["Total", "100 %", "", "60"],
    ]
    assert document.tables[0].rows[0].cells[0].paragraphs[0].runs[0].bold


def test_docx_is_byte_for_byte_deterministic(rubric: Rubric) -> None:
    first = render_feedback(full_outcome(), rubric)["docx"]
    assert first == render_feedback(full_outcome(), rubric)["docx"]
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.created == FIXED_DATE.replace(tzinfo=None) or props.created == FIXED_DATE
    assert props.author == "kamgrade"
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_markup_to_docx_reads_inline_styles_escapes_and_page_breaks() -> None:
    data = markup_to_docx(
        "Un **fuerte** y *suave* \\*literal\\*\n---\n  - segundo nivel\n| a \\| b | c |\n"
    )
    document = docx.Document(io.BytesIO(data))
    first = document.paragraphs[0]
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in first.runs] == [
        ("Un ", False, False),
        ("fuerte", True, False),
        (" y ", False, False),
        ("suave", False, True),
        (" *literal*", False, False),
    ]
    assert 'w:br w:type="page"' in document.paragraphs[1]._p.xml
    assert document.paragraphs[2].style.name == "List Bullet 2"
    assert [c.text for c in document.tables[0].rows[0].cells] == ["a | b", "c"]


def test_a_reference_docx_supplies_the_styles_and_its_text_is_dropped(
    tmp_path: Path, rubric: Rubric
) -> None:
    reference = docx.Document()
    reference.add_paragraph("Texto de ejemplo que no debe aparecer")
    reference.styles["Heading 1"].font.name = "Georgia"
    reference.save(str(tmp_path / "feedback.reference.docx"))
    document = open_docx(render_feedback(full_outcome(), rubric, tmp_path))
    assert document.styles["Heading 1"].font.name == "Georgia"
    assert "Texto de ejemplo" not in "\n".join(p.text for p in document.paragraphs)


def test_a_broken_reference_docx_is_a_template_problem(tmp_path: Path, rubric: Rubric) -> None:
    (tmp_path / "feedback.reference.docx").write_bytes(b"no soy un docx")
    with pytest.raises(
        TemplateProblem, match="feedback.reference.docx.*no es un documento de Word"
    ):
        render_feedback(full_outcome(), rubric, tmp_path)


# --------------------------------------------------------------------------- templates


def test_default_templates_dir_holds_every_template() -> None:
    folder = default_templates_dir()
    for stem in ("feedback", "error"):
        for fmt in ("md", "html", "docx"):
            assert (folder / f"{stem}.{fmt}.j2").is_file()
    assert (folder / "README.md").is_file()


def test_a_custom_templates_dir_overrides_one_file_and_keeps_the_other_defaults(
    tmp_path: Path, rubric: Rubric
) -> None:
    (tmp_path / "feedback.md.j2").write_text(
        "Estimado(a) {{ student_name }}: obtuviste {{ total|num }} puntos.\n", encoding="utf-8"
    )
    result = render_feedback(full_outcome(), rubric, tmp_path)
    assert md(result) == "Estimado(a) Ana López Ruiz: obtuviste 60 puntos.\n"
    assert "Retroalimentación: Actividad 3. Cuentas clave" in html(result)  # default html


def test_raw_and_escape_markup_filters_let_an_instructor_build_markup(
    tmp_path: Path, rubric: Rubric
) -> None:
    (tmp_path / "feedback.docx.j2").write_text(
        '{{ "# Mi título"|raw }}\n'
        '{% for s in sections %}{{ ("**" ~ (s.title|escape_markup) ~ "**")|raw }}\n{% endfor %}',
        encoding="utf-8",
    )
    document = open_docx(render_feedback(outcome(s1_full()), rubric, tmp_path))
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[1].runs[0].bold and document.paragraphs[1].text == "Cuentas clave"


def test_a_template_syntax_error_names_the_file_and_line(tmp_path: Path, rubric: Rubric) -> None:
    (tmp_path / "feedback.md.j2").write_text(
        "Hola\n\n{% for s in sections %}\n{{ s.title }\n", encoding="utf-8"
    )
    with pytest.raises(TemplateProblem) as caught:
        render_feedback(full_outcome(), rubric, tmp_path)
    problem = caught.value
    assert isinstance(problem, KamgradeError)
    assert problem.exit_code == ExitCode.BAD_RUBRIC
    assert problem.template.endswith("feedback.md.j2")
    assert problem.line == 4
    assert "feedback.md.j2, línea 4: error en la plantilla de retroalimentación" in str(problem)
    assert "sintaxis" in str(problem)


def test_an_unknown_variable_names_the_file_line_and_variable(
    tmp_path: Path, rubric: Rubric
) -> None:
    (tmp_path / "feedback.html.j2").write_text(
        "<p>{{ greeting }}</p>\n{% for s in sectoins %}{{ s.title }}{% endfor %}\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateProblem) as caught:
        render_feedback(full_outcome(), rubric, tmp_path)
    assert caught.value.line == 2
    assert "feedback.html.j2, línea 2" in str(caught.value)
    assert "«sectoins» no existe" in str(caught.value)


def test_an_unknown_attribute_is_an_error_not_blank_text(tmp_path: Path, rubric: Rubric) -> None:
    (tmp_path / "feedback.md.j2").write_text("{{ sections[0].puntaje }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="puntaje"):
        render_feedback(full_outcome(), rubric, tmp_path)


def test_a_templates_dir_that_does_not_exist_is_a_clear_error(
    tmp_path: Path, rubric: Rubric
) -> None:
    with pytest.raises(TemplateProblem, match="la carpeta de plantillas no existe"):
        render_feedback(full_outcome(), rubric, tmp_path / "no_existe")


def test_check_templates_accepts_the_defaults(rubric: Rubric) -> None:
    warm_up()
    check_templates(rubric)


def test_check_templates_finds_a_typo_before_any_student_is_graded(
    tmp_path: Path, rubric: Rubric
) -> None:
    (tmp_path / "error.md.j2").write_text("{{ error.mensaje }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"error\.md\.j2, línea 1.*«mensaje» no existe"):
        check_templates(rubric, tmp_path)


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("file", "stem"),
    [
        ("entregas/Ana López Ruiz_actividad3.docx", "Ana López Ruiz_actividad3"),
        ("C:\\Users\\prof\\José: act 3?.docx", "José act 3"),
        ("zip/../../etc/passwd", "passwd"),
        ('a<b>c|d"e*f.docx', "abcdef"),
        ("CON.docx", "CON_"),
        ("Reporte final...docx", "Reporte final"),
        ("...", "retroalimentacion"),
        ("nombre.con.puntos.docx", "nombre.con.puntos"),
        ("Nun\u0303ez.docx", "Núñez".replace("ú", "u")),
    ],
)
def test_feedback_basename_is_safe_on_every_system(file: str, stem: str) -> None:
    assert feedback_basename(outcome(file=file)) == stem


def test_feedback_basename_keeps_accents_in_composed_form() -> None:
    assert feedback_basename(outcome(file="María Ñandú.docx")) == "María Ñandú"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1700, 1, "1,700"), (82.456, 1, "82.5"), (3.0, 1, "3"), (0.7634, 2, "0.76"), (None, 1, "—")],
)
def test_format_number_uses_mexican_separators(
    value: float | None, decimals: int, text: str
) -> None:
    assert format_number(value, decimals) == text


def test_trim_quote_flattens_lines_and_keeps_short_text() -> None:
    assert trim_quote("una\n  frase   corta") == "una frase corta"
    trimmed = trim_quote("palabra " * 50, 40)
    assert trimmed.endswith("…") and len(trimmed) <= 40


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Grupo Norte compra 3.5 millones", "Grupo Norte compra 3.5 millones"),
        ("pedro_lopez", "pedro_lopez"),
        ("# título", "\\# título"),
        ("- viñeta", "\\- viñeta"),
        ("1. lista", "1. lista"),
        ("a | b", "a \\| b"),
        ("**x**", "\\*\\*x\\*\\*"),
        ("dos\nlíneas", "dos líneas"),
    ],
)
def test_escape_markup(value: str, escaped: str) -> None:
    assert escape_markup(value) == escaped


# --------------------------------------------------------------------------- snapshot


@pytest.mark.parametrize("name", ["full", "missing_section", "pasted_prompt", "error"])
def test_markdown_matches_the_snapshot(name: str, rubric: Rubric) -> None:
    """Golden files for the prose; after a deliberate change: KAMGRADE_UPDATE_SNAPSHOTS=1."""
    made = {
        "full": full_outcome,
        "missing_section": missing_section_outcome,
        "pasted_prompt": pasted_prompt_outcome,
        "error": error_outcome,
    }[name]()
    text = md(render_feedback(made, rubric))
    path = SNAPSHOTS / f"feedback_{name}.md"
    if os.environ.get("KAMGRADE_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the shipped rubrics

RUBRIC_FILES = sorted((Path(__file__).parent.parent / "rubrics").glob("*.kamgrade.yaml"))


def outcome_for(rubric: Rubric) -> SubmissionOutcome:
    """A plausible outcome for any rubric: odd elements met, the last section not found."""
    sections = []
    per = rubric.cuartilla.per_cuartilla
    for index, spec in enumerate(rubric.sections):
        found = index < len(rubric.sections) - 1
        elements = tuple(
            ElementOutcome(
                id=e.id,
                description=e.description,
                met=found and i % 2 == 0,
                points=e.points if found and i % 2 == 0 else 0.0,
                max_points=e.points,
                evidence=("Una oración del estudiante con <marcas> & datos: 25 %.",)
                if found and i % 2 == 0
                else (),
                feedback="" if found and i % 2 == 0 else e.feedback_missing,
                explanation="",
            )
            for i, e in enumerate(spec.elements)
        )
        measured = int(spec.min_cuartillas * per * 0.8)
        sections.append(
            section(
                "s1",
                id=spec.id,
                title=spec.title,
                found=found,
                heading=spec.title if found else None,
                words=measured if found else 0,
                characters=measured * 6 if found else 0,
                cuartillas=spec.min_cuartillas * 0.8 if found else 0.0,
                min_cuartillas=spec.min_cuartillas,
                length_ok=spec.min_cuartillas == 0,
                length_factor=0.8 if found else 0.0,
                content_score=50.0 if found else 0.0,
                score=40.0 if found else 0.0,
                weight=spec.weight,
                elements=elements,
            )
        )
    return outcome(*sections, total=37.5, level=rubric.levels[0].name if rubric.levels else None)


@pytest.mark.skipif(not RUBRIC_FILES, reason="no rubric in rubrics/ yet")
@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_shipped_rubric_renders_in_every_format(path: Path) -> None:
    from kamgrade.rubric.loader import load_rubric

    rubric = load_rubric(path).rubric
    result = render_feedback(outcome_for(rubric), rubric)
    unit = "palabras" if rubric.cuartilla.unit == "words" else "caracteres con espacios"
    sentence = f"1 cuartilla = {format_number(rubric.cuartilla.per_cuartilla)} {unit}"
    for text in every_format(result):
        assert sentence in text
        assert f"No se encontró la sección «{rubric.sections[-1].title}»." in text
        for spec in rubric.sections:
            assert spec.title in text
    assert "&lt;marcas&gt; &amp; datos" in html(result)
    assert len(open_docx(result).tables) == 1


def test_the_hand_assembled_docx_zip_is_what_zipfile_writes() -> None:
    """wordfile assembles the package from cached member records; it must stay a valid zip,
    byte-identical to writing every member with zipfile."""
    import io
    import zipfile

    from kamgrade.wordfile import _ZIP_DATE

    data = markup_to_docx("# Título\n\n- uno\n> cita «&»\n| a | b |\n| 1 | 2 |\n", title="T")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        members = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    again = io.BytesIO()
    with zipfile.ZipFile(again, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, payload in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # type: ignore[attr-defined]
            info.external_attr = 0o600 << 16
            dst.writestr(info, payload)
    assert again.getvalue() == data


# ----------------------------------------------------------------------------- cached shell

SHELL_SAMPLE = "# Retroalimentación\n\n- **Bien:** *«cita»*\n| a | b |\n| 1 | 2 |\n---\nFin."


def _fresh_cache(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Use `folder` as the cache folder, forgetting the .docx shell and compiled templates held."""
    from kamgrade import feedback, wordfile
    from kamgrade.fsutil import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(folder))
    wordfile._shell.cache_clear()
    feedback._cached_environment.cache_clear()


def test_the_default_shell_is_cached_on_disk_and_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_cache(monkeypatch, tmp_path / "cache")
    built = markup_to_docx(SHELL_SAMPLE, title="T", author="A")
    [stored] = list((tmp_path / "cache").glob("feedback-shell-*.marshal"))
    _fresh_cache(monkeypatch, tmp_path / "cache")
    from_cache = markup_to_docx(SHELL_SAMPLE, title="T", author="A")
    assert from_cache == built
    assert list((tmp_path / "cache").iterdir()) == [stored]  # read, not rewritten beside it


def test_a_damaged_shell_cache_is_rebuilt_and_an_unwritable_one_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_cache(monkeypatch, tmp_path / "ok")
    expected = markup_to_docx(SHELL_SAMPLE, title="T", author="A")
    [stored] = list((tmp_path / "ok").glob("feedback-shell-*.marshal"))
    stored.write_bytes(stored.read_bytes()[:100])  # truncated
    _fresh_cache(monkeypatch, tmp_path / "ok")
    assert markup_to_docx(SHELL_SAMPLE, title="T", author="A") == expected
    assert len(stored.read_bytes()) > 100  # written again, whole
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    _fresh_cache(monkeypatch, blocker / "cache")
    assert markup_to_docx(SHELL_SAMPLE, title="T", author="A") == expected


# ----------------------------------------------------------------------------- compiled templates


def _compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import jinja2

    compiled: list[str] = []
    compile_source = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: Any, name: Any = None, *a: Any, **k: Any) -> Any:
        compiled.append(str(name))
        return compile_source(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return compiled


def test_compiled_templates_are_reused_from_the_cache_folder_with_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rubric: Rubric
) -> None:
    _fresh_cache(monkeypatch, tmp_path / "cache")
    first = render_feedback(full_outcome(), rubric)
    assert list((tmp_path / "cache").glob("templates-*-html/*"))
    assert list((tmp_path / "cache").glob("templates-*-text/*"))
    _fresh_cache(monkeypatch, tmp_path / "cache")
    compiled = _compilations(monkeypatch)
    again = render_feedback(full_outcome(), rubric)
    assert compiled == []  # every template came from the cache
    assert md(again) == md(first) and html(again) == html(first)


def test_an_edited_template_is_compiled_again_and_an_unwritable_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rubric: Rubric
) -> None:
    custom = tmp_path / "plantillas"
    custom.mkdir()
    template = custom / "feedback.md.j2"
    template.write_text("Primera: {{ total|num }}\n", encoding="utf-8")
    _fresh_cache(monkeypatch, tmp_path / "cache")
    assert md(render_feedback(full_outcome(), rubric, custom)) == "Primera: 60\n"
    template.write_text("Segunda: {{ total|num }}\n", encoding="utf-8")
    _fresh_cache(monkeypatch, tmp_path / "cache")
    assert md(render_feedback(full_outcome(), rubric, custom)) == "Segunda: 60\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    _fresh_cache(monkeypatch, blocker / "cache")
    assert md(render_feedback(full_outcome(), rubric, custom)) == "Segunda: 60\n"
