"""Tests of the spec-to-.docx builder itself, checked with python-docx and raw XML only
(never with kamgrade's reader, which these files exist to test)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from kamgrade.textnorm import count_characters, count_words
from tests.docbuilder import (
    PROMPT_BULLETS,
    BuiltDocx,
    SpecError,
    build_docx,
    compute_truth,
    heading_text,
    load_spec,
    main,
    make_docx,
)
from tests.fixtures import (
    ALL_HEADING_FORMS,
    FEATURE_SPECS,
    SECTION_TITLES,
    TEXTBOX_TEXTS,
    all_fixture_specs,
    cover_spec,
    footnote_spec,
    heading_form_spec,
    image_spec,
    kam_body,
    lists_spec,
    missing_section_spec,
    pasted_prompt_spec,
    smartart_spec,
    table_spec,
    textbox_spec,
    tiny_spec,
    toc_spec,
    tracked_changes_spec,
)

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}


def part(built: BuiltDocx, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(built.data)) as z:
        return etree.fromstring(z.read(name))


def part_text(built: BuiltDocx, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(built.data)) as z:
        return z.read(name).decode("utf-8")


def names(built: BuiltDocx) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(built.data)) as z:
        return z.namelist()


def open_docx(built: BuiltDocx) -> docx.document.Document:
    return docx.Document(io.BytesIO(built.data))


def paragraph_with_text(
    document: docx.document.Document, text: str
) -> docx.text.paragraph.Paragraph:
    matches = [p for p in document.paragraphs if p.text == text]
    assert len(matches) == 1, f"{text!r} found {len(matches)} times"
    return matches[0]


def body_words(sid: str) -> int:
    return sum(count_words(b["p"]) for b in kam_body(sid))


# --- every fixture ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(all_fixture_specs()))
def test_every_fixture_builds_a_docx_that_python_docx_opens(name: str) -> None:
    built = build_docx(all_fixture_specs()[name])
    document = open_docx(built)
    assert document.paragraphs
    assert built.truth["student"]["name"] == "Ana López Ruiz"


@pytest.mark.parametrize("name", list(all_fixture_specs()))
def test_truth_is_computed_from_the_spec_alone(name: str) -> None:
    spec = all_fixture_specs()[name]
    assert build_docx(spec).truth == compute_truth(spec)


def test_the_same_spec_always_gives_the_same_bytes() -> None:
    assert build_docx(toc_spec()).data == build_docx(toc_spec()).data


def test_building_needs_no_libreoffice_or_other_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert build_docx(tiny_spec()).data.startswith(b"PK\x03\x04")


def test_application_is_written_to_app_xml() -> None:
    spec = heading_form_spec("bold")
    spec["application"] = "LibreOffice/7.6.4.1$Linux_X86_64"
    app = part_text(build_docx(spec), "docProps/app.xml")
    assert "<Application>LibreOffice/7.6.4.1$Linux_X86_64</Application>" in app


# --- ground truth -------------------------------------------------------------------------


def test_tiny_spec_truth_equals_a_hand_count() -> None:
    truth = build_docx(tiny_spec()).truth
    # words/chars: "Tiene 12 vendedores. Más." 4/25, "Uno dos" 2/7, "tres" 1/4,
    # table "A" 1/1 and "B c" 2/3, text box "Caja uno" 2/8.
    assert truth["s1"]["words"] == 12
    assert truth["s1"]["characters"] == 48
    assert truth["s1"]["heading"] == "1. Cuentas clave"
    assert truth["s1"]["prompt_words"] == 0
    assert truth["s1"]["has_figure"] is True
    assert set(truth) == {"s1", "student"}


def test_section_body_ends_at_an_unnumbered_heading() -> None:
    truth = build_docx(heading_form_spec("word-styles")).truth
    assert truth["s4"]["words"] == body_words("s4")
    assert truth["s1"]["characters"] == sum(count_characters(b["p"]) for b in kam_body("s1"))


@pytest.mark.parametrize("sid", ["s1", "s2", "s3", "s4"])
def test_fixture_sections_are_40_to_80_words(sid: str) -> None:
    assert 40 <= build_docx(heading_form_spec("bold")).truth[sid]["words"] <= 80


# --- heading forms ------------------------------------------------------------------------


@pytest.mark.parametrize("form", ALL_HEADING_FORMS)
def test_each_heading_is_written_once_as_its_truth_says(form: str) -> None:
    built = build_docx(heading_form_spec(form))
    document = open_docx(built)
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for sid in ("s1", "s2", "s3", "s4"):
        assert texts.count(built.truth[sid]["heading"]) == 1


@pytest.mark.parametrize(
    ("form", "text", "style", "bold"),
    [
        ("word-styles", "1. Cuentas clave", "Heading 1", None),
        ("localized-style-ids", "1. Cuentas clave", "Heading 1", None),
        ("caps-bold", "1. CUENTAS CLAVE", "Normal", True),
        ("bold", "1. Cuentas clave", "Normal", True),
        ("plain-colon", "1. Cuentas clave:", "Normal", None),
        ("roman", "I. Cuentas clave", "Heading 1", None),
        ("dash-number", "1.- Cuentas clave", "Normal", True),
        ("paren-number", "1) Cuentas clave", "Normal", True),
        ("seccion", "Sección 1: Cuentas clave", "Normal", True),
        ("under-desarrollo", "1. Cuentas clave", "Heading 2", None),
    ],
)
def test_heading_form_writes_text_style_and_bold(
    form: str, text: str, style: str, bold: bool | None
) -> None:
    p = paragraph_with_text(open_docx(build_docx(heading_form_spec(form))), text)
    assert p.style is not None and p.style.name == style
    assert all(r.bold is bold for r in p.runs)


def test_roman_form_numbers_the_fourth_section_iv() -> None:
    assert heading_text("roman", "Propuesta de mejora", 4) == "IV. Propuesta de mejora"
    paragraph_with_text(
        open_docx(build_docx(heading_form_spec("roman"))), "IV. Propuesta de mejora"
    )


def test_localized_form_writes_the_spanish_style_id_with_the_english_name() -> None:
    built = build_docx(heading_form_spec("localized-style-ids"))
    style = part(built, "word/styles.xml").find('w:style[@w:styleId="Ttulo1"]', NS)
    assert style is not None
    assert style.find("w:name", NS).get(f"{{{NS['w']}}}val") == "heading 1"
    assert part(built, "word/styles.xml").find('w:style[@w:styleId="Heading1"]', NS) is None
    p = paragraph_with_text(open_docx(built), "1. Cuentas clave")
    assert p._p.pPr.pStyle.val == "Ttulo1"


def test_numbered_auto_form_numbers_headings_through_numbering_xml() -> None:
    built = build_docx(heading_form_spec("numbered-auto"))
    assert "word/numbering.xml" in names(built)
    p = paragraph_with_text(open_docx(built), "Cuentas clave")
    assert p.style is not None and p.style.name == "Heading 1"
    num_pr = p._p.pPr.numPr
    assert num_pr is not None and num_pr.ilvl.val == 0
    numbering = part(built, "word/numbering.xml")
    num = numbering.find(f'w:num[@w:numId="{num_pr.numId.val}"]', NS)
    abstract_id = num.find("w:abstractNumId", NS).get(f"{{{NS['w']}}}val")
    lvl = numbering.find(f'w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl[@w:ilvl="0"]', NS)
    assert lvl.find("w:lvlText", NS).get(f"{{{NS['w']}}}val") == "%1."
    assert not any(p.text.startswith(("1.", "2.")) for p in open_docx(built).paragraphs)


def test_table_banner_form_puts_the_heading_in_a_shaded_one_cell_table() -> None:
    document = open_docx(build_docx(heading_form_spec("table-banner")))
    banners = [t for t in document.tables if len(t.rows) == 1 and len(t.columns) == 1]
    assert banners[0].cell(0, 0).text == "Introducción"  # unnumbered headings too
    assert [t.cell(0, 0).text for t in banners][1:5] == [
        "1. Cuentas clave",
        "2. Relaciones con clientes",
        "3. Relaciones en el departamento",
        "4. Propuesta de mejora",
    ]
    shd = banners[0].cell(0, 0)._tc.tcPr.find("w:shd", NS)
    assert shd is not None and shd.get(f"{{{NS['w']}}}fill") == "1F4E79"


def test_under_desarrollo_form_adds_a_desarrollo_heading_1_before_the_sections() -> None:
    document = open_docx(build_docx(heading_form_spec("under-desarrollo")))
    styled = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert styled[:3] == [
        ("Heading 1", "Introducción"),
        ("Heading 1", "Desarrollo"),
        ("Heading 2", "1. Cuentas clave"),
    ]


def test_unnumbered_specs_write_titles_without_numbers() -> None:
    built = build_docx(heading_form_spec("caps-bold", numbered=False))
    assert built.truth["s2"]["heading"] == "RELACIONES CON CLIENTES"
    paragraph_with_text(open_docx(built), "RELACIONES CON CLIENTES")


# --- constructs ---------------------------------------------------------------------------


def test_pasted_prompt_pastes_the_section_questions_verbatim_and_counts_them() -> None:
    built = build_docx(pasted_prompt_spec())
    document = open_docx(built)
    first = paragraph_with_text(document, PROMPT_BULLETS["s1"][0])
    assert first._p.pPr.numPr is not None  # pasted as a Word bulleted list
    assert paragraph_with_text(document, PROMPT_BULLETS["s2"][0])._p.pPr.numPr is None
    expected = sum(count_words(t) for t in PROMPT_BULLETS["s1"])
    assert built.truth["s1"]["prompt_words"] == expected
    assert built.truth["s1"]["words"] == expected + body_words("s1")
    assert built.truth["s3"]["prompt_words"] == 0


def test_missing_section_is_absent_from_document_and_truth() -> None:
    built = build_docx(missing_section_spec("s3"))
    assert "s3" not in built.truth
    assert not any(SECTION_TITLES["s3"] in p.text for p in open_docx(built).paragraphs)
    assert built.truth["s4"]["heading"] == "4. Propuesta de mejora"


def test_table_cells_are_written_and_counted() -> None:
    built = build_docx(table_spec())
    table = open_docx(built).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["Cuentas clave", "12"]
    cells = ["Área", "Personas", "Cuentas clave", "12", "Soporte de ventas", "4",
             "Fuerza de ventas total", "80"]  # fmt: skip
    assert built.truth["s1"]["words"] == body_words("s1") + sum(count_words(c) for c in cells)
    assert built.truth["s1"]["has_table"] is True


def test_image_is_a_real_png_with_its_alt_text_and_adds_no_words() -> None:
    built = build_docx(image_spec())
    pngs = [n for n in names(built) if n.startswith("word/media/") and n.endswith(".png")]
    assert len(pngs) == 1
    with zipfile.ZipFile(io.BytesIO(built.data)) as z:
        assert z.read(pngs[0]).startswith(b"\x89PNG\r\n\x1a\n")
    doc_pr = part(built, "word/document.xml").find(".//wp:docPr", NS)
    assert doc_pr.get("descr") == "Organigrama de Grupo Lácteo del Norte"
    assert built.truth["s3"]["has_figure"] is True
    assert built.truth["s3"]["words"] == body_words("s3") + count_words("Figura 1. Organigrama")


def test_smartart_has_diagram_parts_related_through_relids_and_adds_no_words() -> None:
    built = build_docx(smartart_spec())
    diagram_parts = ["data1.xml", "layout1.xml", "quickStyle1.xml", "colors1.xml"]
    assert {f"word/diagrams/{name}" for name in diagram_parts} <= set(names(built))
    rel_ids = part(built, "word/document.xml").find(".//dgm:relIds", NS)
    rels = part(built, "word/_rels/document.xml.rels")
    dm = rel_ids.get("{" + NS["r"] + "}dm")
    rel = rels.find(f'pr:Relationship[@Id="{dm}"]', NS)
    assert rel.get("Target") == "diagrams/data1.xml"
    texts = [t.text for t in part(built, "word/diagrams/data1.xml").iterfind(".//a:t", NS)]
    assert texts == ["Dirección General", "Dirección Comercial", "Gerencia de Cuentas Clave"]
    types = part(built, "[Content_Types].xml")
    assert types.find('ct:Override[@PartName="/word/diagrams/data1.xml"]', NS) is not None
    assert "Gerencia de Cuentas Clave" not in part_text(built, "word/document.xml")
    assert built.truth["s3"]["words"] == body_words("s3")
    assert built.truth["s3"]["has_figure"] is True


def test_text_box_text_is_in_both_the_wps_choice_and_the_vml_fallback() -> None:
    built = build_docx(textbox_spec())
    xml = part_text(built, "word/document.xml")
    root = part(built, "word/document.xml")
    for text in TEXTBOX_TEXTS:
        assert xml.count(text) == 2
        choice = root.xpath(f'.//mc:Choice//wps:txbx//w:t[.="{text}"]', namespaces=NS)
        fallback = root.xpath(f'.//mc:Fallback//v:textbox//w:t[.="{text}"]', namespaces=NS)
        assert len(choice) == len(fallback) == 1
    assert built.truth["s3"]["words"] == body_words("s3") + sum(map(count_words, TEXTBOX_TEXTS))
    assert built.truth["s3"]["has_textbox"] is True


def test_tracked_changes_keep_deleted_text_in_deltext_and_out_of_the_truth() -> None:
    built = build_docx(tracked_changes_spec())
    root = part(built, "word/document.xml")
    deleted = [t.text for t in root.iterfind(".//w:del//w:delText", NS)]
    assert deleted == [
        " Esta frase fue borrada con control de cambios.",
        "Este párrafo completo fue eliminado antes de entregar.",
    ]
    assert not root.xpath(".//w:del//w:t", namespaces=NS)
    inserted = [t.text for t in root.iterfind(".//w:ins//w:t", NS)]
    assert inserted == [" Además, hay 4 personas de soporte de ventas."]
    assert len(root.findall(".//w:pPr/w:rPr/w:del", NS)) == 1  # the deleted paragraph mark
    assert built.truth["s1"]["words"] == body_words("s1") + count_words(inserted[0])
    assert built.truth["s2"]["words"] == body_words("s2")


def test_footnote_lives_in_its_own_part_and_not_in_the_truth() -> None:
    built = build_docx(footnote_spec())
    notes = part(built, "word/footnotes.xml")
    texts = ["".join(n.itertext()) for n in notes.iterfind('w:footnote[@w:id="1"]', NS)]
    assert texts == [" Entrevistas realizadas el 3 y el 5 de octubre de 2026."]
    assert (
        part(built, "word/document.xml").find('.//w:footnoteReference[@w:id="1"]', NS) is not None
    )
    rels = part(built, "word/_rels/document.xml.rels")
    assert rels.find('pr:Relationship[@Target="footnotes.xml"]', NS) is not None
    assert built.truth["s2"]["words"] == body_words("s2")


def test_toc_is_a_field_with_cached_entries_page_numbers_and_bookmarked_headings() -> None:
    built = build_docx(toc_spec())
    root = part(built, "word/document.xml")
    instr = [t.text for t in root.iterfind(".//w:instrText", NS)]
    assert instr[0] == ' TOC \\o "1-3" \\h \\z \\u '
    types = [f.get(f"{{{NS['w']}}}fldCharType") for f in root.iterfind(".//w:sdt//w:fldChar", NS)]
    assert types[0] == "begin" and types[-1] == "end" and "separate" in types
    entries = root.findall(".//w:sdt//w:hyperlink", NS)
    first = "".join(t.text for t in entries[1].iterfind(".//w:t", NS))
    assert first.startswith("1. Cuentas clave") and first[len("1. Cuentas clave") :].isdigit()
    anchors = {h.get(f"{{{NS['w']}}}anchor") for h in entries}
    marks = {b.get(f"{{{NS['w']}}}name") for b in root.iterfind(".//w:bookmarkStart", NS)}
    assert anchors and anchors <= marks
    assert built.truth["s1"]["words"] == body_words("s1")


def test_cover_lines_are_centred_and_followed_by_a_page_break() -> None:
    document = open_docx(build_docx(cover_spec()))
    cover = document.paragraphs[:7]
    assert cover[0].text == "Universidad Tecmilenio"
    assert all(p.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER for p in cover)
    assert cover[-1]._p.xpath('.//w:br[@w:type="page"]')


def test_lists_use_word_numbering_not_typed_bullets() -> None:
    built = build_docx(lists_spec())
    document = open_docx(built)
    item = paragraph_with_text(document, "Visita semanal al cliente.")
    assert item._p.pPr.numPr is not None
    numbering = part(built, "word/numbering.xml")
    assert numbering.xpath('.//w:lvl/w:numFmt[@w:val="bullet"]', namespaces=NS)
    indented = paragraph_with_text(document, "Gerencia KAM")
    assert indented.paragraph_format.left_indent == docx.shared.Inches(1.0)
    assert not any(p.text.startswith("•") for p in document.paragraphs)


# --- spec files, errors and the command line ----------------------------------------------


def test_unknown_block_key_is_rejected_with_a_suggestion() -> None:
    spec = tiny_spec()
    spec["blocks"][2]["footnotes"] = "x"
    with pytest.raises(SpecError, match="Did you mean 'footnote'"):
        build_docx(spec)


def test_unknown_heading_form_is_rejected_with_a_suggestion() -> None:
    spec = tiny_spec()
    spec["headings"] = "numbered_auto"
    with pytest.raises(SpecError, match="numbered-auto"):
        build_docx(spec)


SPEC_YAML = """\
file: yaml_spec.docx
application: Microsoft Office Word
headings: dash-number
student: {name: "Ana López Ruiz", matricula: "AL02934817"}
blocks:
  - section: s1
    title: "Cuentas clave"
    number: 1
  - p: "El departamento se organiza por línea de producto."
  - indented: [[0, "Dirección General"], [1, "Dirección Comercial"]]
"""


def test_load_spec_reads_yaml_and_the_cli_writes_docx_and_truth(tmp_path: Path) -> None:
    spec_path = tmp_path / "yaml_spec.yaml"
    spec_path.write_text(SPEC_YAML, encoding="utf-8")
    spec = load_spec(spec_path)
    assert spec["blocks"][2]["indented"][1] == [1, "Dirección Comercial"]
    out = tmp_path / "out"
    assert (
        main([str(spec_path), "--out", str(out), "--truth", str(tmp_path / "t.json"), "--quiet"])
        == 0
    )
    built = (out / "yaml_spec.docx").read_bytes()
    assert built == build_docx(spec).data
    truth = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert truth["yaml_spec.docx"]["s1"] == {**build_docx(spec).truth["s1"]}
    assert truth["yaml_spec.docx"]["s1"]["words"] == 12  # 8 + 2 + 2


def test_feature_specs_cover_every_construct_of_the_spec_format() -> None:
    kinds = {k for make in FEATURE_SPECS.values() for b in make()["blocks"] for k in b}
    assert {"cover", "toc", "heading", "section", "subheading", "p", "deleted_p", "bullets",
            "numbered", "indented", "table", "image", "smartart", "textboxes", "page_break",
            "pasted_prompt", "footnote", "inserted", "deleted"} <= kinds  # fmt: skip


# --- the .docx agrees with its truth ------------------------------------------------------

W = "{" + NS["w"] + "}"


def _paragraph_texts(data: bytes) -> list[str]:
    """A deliberately naive walk (not kamgrade's reader): body paragraphs and table cells in
    order, w:t only (never w:delText or field codes), text boxes from the mc:Choice branch
    only, the TOC content control skipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find("w:body", NS)
    texts: list[str] = []

    def paragraph(p: etree._Element) -> None:
        own = [
            t.text or ""
            for t in p.iter(f"{W}t")
            if not t.xpath("ancestor::w:txbxContent", namespaces=NS)
        ]
        texts.append("".join(own))
        for box in p.xpath(".//mc:Choice//w:txbxContent/w:p", namespaces=NS):
            texts.append("".join(t.text or "" for t in box.iter(f"{W}t")))

    for child in body:
        if child.tag == f"{W}p":
            paragraph(child)
        elif child.tag == f"{W}tbl":
            for p in child.iter(f"{W}p"):
                paragraph(p)
    return texts


@pytest.mark.parametrize("name", list(all_fixture_specs()))
def test_truth_matches_a_naive_walk_of_the_built_document(name: str) -> None:
    spec = all_fixture_specs()[name]
    built = build_docx(spec)
    form = spec["headings"]
    sections = {v["heading"]: sid for sid, v in built.truth.items() if sid != "student"}
    others = {heading_text(form, b["heading"]) for b in spec["blocks"] if "heading" in b}
    others.add("Desarrollo")
    counts: dict[str, list[int]] = {}
    current = None
    for text in _paragraph_texts(built.data):
        if text in sections:
            current = sections[text]
            counts[current] = [0, 0]
        elif text in others:
            current = None
        elif current is not None:
            counts[current][0] += count_words(text)
            counts[current][1] += count_characters(text)
    expected = {
        sid: [built.truth[sid]["words"], built.truth[sid]["characters"]]
        for sid in sections.values()
    }
    assert counts == expected


def test_make_docx_builds_from_blocks_alone_and_saves(tmp_path: Path) -> None:
    built = make_docx([{"section": "s1", "title": "Cuentas clave"}, {"p": "Tiene 12."}])
    assert built.truth["s1"]["words"] == 2
    assert built.truth["s1"]["heading"] == "Cuentas clave"
    path = built.save(tmp_path)
    assert path == tmp_path / "submission.docx"
    assert [p.text for p in docx.Document(str(path)).paragraphs] == ["Cuentas clave", "Tiene 12."]


EXAMPLE_SPECS = sorted(
    (Path(__file__).resolve().parent.parent / "examples").glob("**/specs/*.yaml")
)


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=[p.name for p in EXAMPLE_SPECS])
def test_every_example_spec_builds(path: Path) -> None:
    spec = load_spec(path)
    built = build_docx(spec)
    assert open_docx(built).paragraphs
    assert set(built.truth) - {"student"}, f"{path.name} has no `section:` blocks"
