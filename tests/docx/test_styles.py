"""Styles: names resolved from ids, outline levels and formatting inherited through basedOn."""

from __future__ import annotations

from tests.docx.conftest import ReadDocx

SPANISH_STYLES = (
    '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault>'
    "</w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "</w:style>"
    '<w:style w:type="paragraph" w:styleId="Ttulo1"><w:name w:val="heading 1"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/>'
    '<w:sz w:val="32"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Ttulo2"><w:name w:val="Heading 2"/>'
    '<w:basedOn w:val="Ttulo1"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="MiTitulo"><w:name w:val="Mi título"/>'
    '<w:basedOn w:val="Ttulo2"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Ttulo3"><w:name w:val="heading 3"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="TDC1"><w:name w:val="toc 1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Ciclo"><w:name w:val="Ciclo"/>'
    '<w:basedOn w:val="Ciclo"/></w:style>'
)


def styled(style_id: str, text: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'


def test_localized_style_id_resolves_to_heading_name_and_level(read_docx: ReadDocx) -> None:
    doc = read_docx(styled("Ttulo1", "Introducción"), styles_xml=SPANISH_STYLES)
    (para,) = doc.iter_paragraphs()
    assert para.style_id == "Ttulo1"
    assert para.style_name == "heading 1"
    assert para.outline_level == 0
    assert para.bold and para.font_size == 16.0


def test_heading_names_are_canonical_and_levels_inherit_through_based_on(
    read_docx: ReadDocx,
) -> None:
    body = styled("Ttulo2", "a") + styled("MiTitulo", "b") + styled("Ttulo3", "c")
    a, b, c = read_docx(body, styles_xml=SPANISH_STYLES).iter_paragraphs()
    assert (a.style_name, a.outline_level) == ("heading 2", 1)
    assert (b.style_name, b.outline_level, b.bold) == ("Mi título", 1, True)
    assert (c.style_name, c.outline_level) == ("heading 3", 2)  # from the name alone


def test_direct_outline_level_wins_and_nine_means_body_text(read_docx: ReadDocx) -> None:
    body = ('<w:p><w:pPr><w:pStyle w:val="Ttulo1"/><w:outlineLvl w:val="9"/></w:pPr><w:r>'
            "<w:t>x</w:t></w:r></w:p>")
    (para,) = read_docx(body, styles_xml=SPANISH_STYLES).iter_paragraphs()
    assert para.outline_level is None


def test_unstyled_paragraph_gets_default_style_and_document_defaults(read_docx: ReadDocx) -> None:
    (para,) = read_docx("<w:p><w:r><w:t>texto</w:t></w:r></w:p>",
                        styles_xml=SPANISH_STYLES).iter_paragraphs()
    assert para.style_id is None and para.style_name == "Normal"
    assert para.font_size == 11.0 and para.outline_level is None


def test_toc_style_and_cyclic_based_on_do_not_break_reading(read_docx: ReadDocx) -> None:
    body = styled("TDC1", "Introducción 3") + styled("Ciclo", "x") + styled("NoExiste", "y")
    a, b, c = read_docx(body, styles_xml=SPANISH_STYLES).iter_paragraphs()
    assert a.is_toc and not b.is_toc
    assert b.style_name == "Ciclo"
    assert c.style_id == "NoExiste" and c.style_name is None


def test_slimming_table_styles_keeps_names_and_everything_else() -> None:
    from lxml import etree

    from kamgrade.docx.styles import slim_styles
    from tests.badfiles import part_xml

    xml = part_xml(
        "styles",
        '<w:style w:type="table" w:styleId="T1"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
        '<w:top w:val="single"/></w:tblBorders></w:tblPr></w:style>'
        '<w:style w:type="table" w:styleId="T2"/>'
        '<w:latentStyles w:defQFormat="0"><w:lsdException w:name="Normal" w:qFormat="1"/>'
        "</w:latentStyles>" + SPANISH_STYLES,
    ).encode()
    slim = slim_styles(xml)
    assert len(slim) < len(xml) and b"tblBorders" not in slim and b"lsdException" not in slim
    root = etree.fromstring(slim)
    names = [s.find("{*}name").get(  # type: ignore[union-attr]
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
        for s in root.iter("{*}style") if s.find("{*}name") is not None]
    assert names[0] == "Table Grid" and "heading 1" in names
    assert slim_styles(b"<w:styles/>") == b"<w:styles/>"


def test_table_style_name_is_resolved(read_docx: ReadDocx) -> None:
    styles = ('<w:style w:type="table" w:styleId="Tablaconcuadrcula"><w:name w:val="Table Grid"/>'
              "<w:tblPr/></w:style>")
    body = ('<w:tbl><w:tblPr><w:tblStyle w:val="Tablaconcuadrcula"/></w:tblPr><w:tr><w:tc><w:p/>'
            "</w:tc></w:tr></w:tbl>")
    (table,) = read_docx(body, styles_xml=styles).blocks
    assert table.style_name == "Table Grid"  # type: ignore[union-attr]
