"""Segment stage: every heading form, sub-headings, TOC, cover, missing sections."""

from __future__ import annotations

import pytest

from kamgrade.measure import measure_blocks
from kamgrade.model import DocModel, Paragraph
from kamgrade.rubric import LoadedRubric
from kamgrade.sections import locate_sections, similarity, strip_number
from kamgrade.textnorm import count_words
from tests.fixtures import (
    ALL_HEADING_FORMS,
    SECTION_IDS,
    all_fixture_specs,
    cover_spec,
    heading_form_spec,
    kam_body,
    kam_report_spec,
    missing_section_spec,
    toc_spec,
)


@pytest.mark.parametrize("form", ALL_HEADING_FORMS)
def test_every_heading_form_finds_all_four_sections_with_exact_word_counts(
    form, read, kam: LoadedRubric
):
    doc, truth = read(heading_form_spec(form))
    sectioned = locate_sections(doc, kam.rubric)
    for sid in SECTION_IDS:
        located = sectioned.section(sid)
        assert located.found, f"{form}: {sid} not found ({located.reason})"
        assert located.confidence >= 0.75
        length = measure_blocks(located.body, kam.rubric)
        assert length.words == truth[sid]["words"], f"{form} {sid}"
        assert length.characters == truth[sid]["characters"], f"{form} {sid}"


@pytest.mark.parametrize("name", sorted(all_fixture_specs()))
def test_every_fixture_document_measures_like_its_spec(name, read, kam: LoadedRubric):
    doc, truth = read(all_fixture_specs()[name])
    sectioned = locate_sections(doc, kam.rubric)
    for sid in SECTION_IDS:
        located = sectioned.section(sid)
        if sid not in truth:
            assert not located.found, f"{name}: {sid} invented from {located.heading!r}"
            continue
        assert located.found, f"{name}: {sid} not found"
        length = measure_blocks(located.body, kam.rubric)
        assert length.words == truth[sid]["words"], name
        assert length.prompt_words == pytest.approx(truth[sid]["prompt_words"], abs=3), name


def test_a_missing_section_is_reported_not_invented(read, kam: LoadedRubric):
    doc, truth = read(missing_section_spec("s3"))
    sectioned = locate_sections(doc, kam.rubric)
    assert not sectioned.section("s3").found
    assert "s3" not in truth
    assert sectioned.section("s4").found
    assert "similitud" in sectioned.section("s3").reason


def test_subheading_reusing_another_sections_title_stays_inside_its_section(
    read, kam: LoadedRubric
):
    s3 = [
        *kam_body("s3"),
        {"subheading": "Relaciones con clientes externos"},
        {
            "p": "Con los clientes externos el departamento mantiene reuniones trimestrales de planeación."
        },
        {"subheading": "Propuesta de estructura"},
        {"p": "La estructura propuesta tiene un gerente y seis KAM."},
    ]
    doc, truth = read(kam_report_spec("word-styles", section_blocks={"s3": s3}))
    sectioned = locate_sections(doc, kam.rubric)
    assert sectioned.section("s2").heading == "2. Relaciones con clientes"
    assert sectioned.section("s4").heading == "4. Propuesta de mejora"
    assert measure_blocks(sectioned.section("s3").body, kam.rubric).words == truth["s3"]["words"]


def test_table_of_contents_entries_are_never_taken_as_headings(read, kam: LoadedRubric):
    doc, truth = read(toc_spec())
    sectioned = locate_sections(doc, kam.rubric)
    for sid in SECTION_IDS:
        located = sectioned.section(sid)
        assert located.heading_block not in sectioned.toc_blocks
        assert measure_blocks(located.body, kam.rubric).words == truth[sid]["words"]


def test_cover_page_title_is_not_taken_for_section_one(read, kam: LoadedRubric):
    doc, _ = read(cover_spec())
    sectioned = locate_sections(doc, kam.rubric)
    assert sectioned.cover_end > 0
    cover_text = " ".join(
        p.text for p in doc.blocks[: sectioned.cover_end] if isinstance(p, Paragraph)
    )
    assert "Cuentas clave" in cover_text  # the activity title on the cover is not section 1
    assert sectioned.section("s1").heading_block >= sectioned.cover_end


def test_introduction_and_conclusions_belong_to_no_section(read, kam: LoadedRubric):
    doc, truth = read(kam_report_spec("bold", intro=True, conclusion=True))
    sectioned = locate_sections(doc, kam.rubric)
    s4 = measure_blocks(sectioned.section("s4").body, kam.rubric)
    assert s4.words == truth["s4"]["words"]
    assert any("Conclus" in h for h in sectioned.outside)


def test_typos_and_missing_accents_in_headings_still_match(read, kam: LoadedRubric):
    spec = kam_report_spec("bold")
    titles = {
        "s1": "Cuentas calve",
        "s2": "Relacion con los clientes",
        "s3": "Relaciones en el depto. de cuentas",
        "s4": "Propuesta de Mejora para la empresa",
    }
    for block in spec["blocks"]:
        if "section" in block:
            block["title"] = titles[block["section"]]
    doc, _ = read(spec)
    sectioned = locate_sections(doc, kam.rubric)
    for sid in ("s1", "s2", "s4"):
        assert sectioned.section(sid).found, sid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.1.- Funciones", ("Funciones", 3, 2)),
        ("II. Relaciones con clientes", ("Relaciones con clientes", 2, 1)),
        ("Sección 4: Propuesta de mejora", ("Propuesta de mejora", 4, 1)),
        ("1) Cuentas clave", ("Cuentas clave", 1, 1)),
        ("Cuentas clave", ("Cuentas clave", None, 1)),
    ],
)
def test_strip_number_reads_every_numbering_style(text, expected):
    assert strip_number(text) == expected


def test_similarity_folds_case_and_accents():
    assert similarity("relacion con los clientes", ["relaciones con clientes"]) >= 85
    assert similarity("conclusiones", ["relaciones con clientes"]) < 60


def test_a_document_with_no_matching_headings_finds_nothing(kam: LoadedRubric):
    doc = DocModel(
        blocks=tuple(
            Paragraph(text=t) for t in ["Mi ensayo", "Texto " * 50, "Otra parte", "Más texto " * 40]
        )
    )
    sectioned = locate_sections(doc, kam.rubric)
    assert not any(s.found for s in sectioned.sections)
    assert count_words("Texto " * 50) == 50


def test_a_typed_table_of_contents_without_a_title_is_not_taken_for_the_sections(
    read, kam: LoadedRubric
):
    spec = kam_report_spec("bold")
    toc = [
        {"p": f"{n}. {t}"}
        for n, t in enumerate(
            [
                "Cuentas clave",
                "Relaciones con clientes",
                "Relaciones en el departamento",
                "Propuesta de mejora",
            ],
            1,
        )
    ]
    spec["blocks"] = [*toc, {"page_break": True}, *spec["blocks"]]
    doc, truth = read(spec)
    sectioned = locate_sections(doc, kam.rubric)
    for sid in SECTION_IDS:
        assert (
            measure_blocks(sectioned.section(sid).body, kam.rubric).words == truth[sid]["words"]
        ), sid


@pytest.mark.parametrize(
    "form",
    ["caps-bold", "bold", "plain-colon", "table-banner", "numbered-auto", "roman", "seccion"],
)
def test_subheadings_that_look_like_other_sections_stay_put_in_every_form(
    form, read, kam: LoadedRubric
):
    s3 = [
        *kam_body("s3"),
        {"subheading": "Relaciones con clientes externos"},
        {"p": "Con los clientes externos y los proveedores hay juntas trimestrales."},
        {"subheading": "Propuesta de estructura"},
        {"p": "La estructura propuesta tiene un gerente y seis KAM."},
    ]
    doc, truth = read(kam_report_spec(form, section_blocks={"s3": s3}))
    sectioned = locate_sections(doc, kam.rubric)
    for sid in SECTION_IDS:
        assert (
            measure_blocks(sectioned.section(sid).body, kam.rubric).words == truth[sid]["words"]
        ), sid


def test_the_prompts_questions_as_subheadings_do_not_start_sections(read, kam: LoadedRubric):
    s1 = [
        {"subheading": "¿Cómo se organiza el departamento de cuentas clave?"},
        *kam_body("s1"),
        {"subheading": "¿Cuántos clientes tiene cada KAM?"},
        {"p": "Cada KAM tiene 6 clientes."},
    ]
    doc, truth = read(kam_report_spec("word-styles", section_blocks={"s1": s1}))
    sectioned = locate_sections(doc, kam.rubric)
    assert sectioned.section("s1").heading == "1. Cuentas clave"
    assert measure_blocks(sectioned.section("s1").body, kam.rubric).words == truth["s1"]["words"]
