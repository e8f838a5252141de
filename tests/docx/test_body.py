"""The body walker: what counts as body text, in which order, with which properties."""

from __future__ import annotations

from kamgrade.model import Figure, FigureKind, Origin, Paragraph, Table
from kamgrade.textnorm import count_words
from tests.docx.conftest import ReadDocx, texts


def p(text: str, ppr: str = "", rpr: str = "") -> str:
    return f"<w:p>{ppr}<w:r>{rpr}<w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def words(doc: object) -> int:
    return sum(count_words(x.text) for x in doc.iter_paragraphs())  # type: ignore[attr-defined]


TEXTBOX_CHOICE_AND_FALLBACK = (
    '<w:p><w:r><w:t xml:space="preserve">ANCLA </w:t></w:r><w:r><mc:AlternateContent>'
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Cuadro 1"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
    'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>CAJA uno</w:t></w:r>'
    "</w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
    "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
    "<w:t>CAJA uno</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r><w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>INSERTADO</w:t></w:r>"
    "</w:ins><w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>BORRADO</w:delText></w:r></w:del>"
    "</w:p>" + p("Despues")
)


def test_tracked_insertion_counts_and_tracked_deletion_is_not_counted_as_words(
    read_docx: ReadDocx,
) -> None:
    doc = read_docx(TEXTBOX_CHOICE_AND_FALLBACK)
    assert texts(doc) == ["ANCLA INSERTADO", "CAJA uno", "Despues"]
    assert "BORRADO" not in " ".join(texts(doc))


def test_text_box_with_choice_and_fallback_is_counted_once_right_after_its_anchor(
    read_docx: ReadDocx,
) -> None:
    doc = read_docx(TEXTBOX_CHOICE_AND_FALLBACK)
    anchor, box, after = doc.blocks
    assert isinstance(anchor, Paragraph) and isinstance(after, Paragraph)
    assert isinstance(box, Figure) and box.kind is FigureKind.SHAPE and box.counts_as_text
    assert [q.origin for q in box.paragraphs] == [Origin.TEXTBOX]
    assert words(doc) == 5


def test_choice_only_text_box_is_read(read_docx: ReadDocx) -> None:
    body = (
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:inline>"
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
        'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>' + p("solo en Choice")
        + "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline>"
        "</w:drawing></mc:Choice></mc:AlternateContent></w:r></w:p>"
    )
    assert texts(read_docx(body)) == ["", "solo en Choice"]


def test_unknown_choice_falls_back_once(read_docx: ReadDocx) -> None:
    body = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="w99"><w:t>futuro</w:t></mc:Choice>'
        "<mc:Fallback><w:t>respaldo</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    assert texts(read_docx(body)) == ["respaldo"]


def test_vml_text_box_is_read(read_docx: ReadDocx) -> None:
    body = ("<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent>" + p("caja VML")
            + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>")
    doc = read_docx(body)
    assert texts(doc) == ["", "caja VML"]


def test_paragraph_wholly_inside_a_deletion_vanishes(read_docx: ReadDocx) -> None:
    body = (
        p("antes")
        + '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="a"/></w:rPr></w:pPr>'
        '<w:del w:id="4" w:author="a"><w:r><w:delText>parrafo borrado entero</w:delText></w:r>'
        "</w:del></w:p>" + p("despues")
    )
    assert texts(read_docx(body)) == ["antes", "despues"]


def test_move_from_is_dropped_and_move_to_is_kept(read_docx: ReadDocx) -> None:
    body = ('<w:p><w:moveFrom w:id="1" w:author="a"><w:r><w:t>viejo</w:t></w:r></w:moveFrom>'
            '<w:moveTo w:id="2" w:author="a"><w:r><w:t>nuevo</w:t></w:r></w:moveTo></w:p>')
    assert texts(read_docx(body)) == ["nuevo"]


def test_runs_are_joined_without_invented_spaces(read_docx: ReadDocx) -> None:
    body = ("<w:p><w:r><w:t>Adminis</w:t></w:r><w:proofErr/><w:r><w:t>tración</w:t></w:r>"
            "<w:r><w:tab/><w:t>a</w:t><w:br/><w:t>b</w:t><w:noBreakHyphen/><w:t>c</w:t>"
            '<w:sym w:font="Wingdings" w:char="F0E0"/><w:softHyphen/></w:r></w:p>')
    assert texts(read_docx(body)) == ["Administración a\nb-c"]


def test_containers_are_descended(read_docx: ReadDocx) -> None:
    body = (
        '<w:sdt><w:sdtContent><w:p><w:hyperlink r:id="x"><w:r><w:t>enlace</w:t></w:r>'
        '</w:hyperlink><w:smartTag w:element="place"><w:r><w:t> Monterrey</w:t></w:r>'
        '</w:smartTag><w:fldSimple w:instr=" PAGE "><w:r><w:t> 3</w:t></w:r></w:fldSimple>'
        '<w:customXml w:element="x"><w:r><w:t> fin</w:t></w:r></w:customXml></w:p>'
        "</w:sdtContent></w:sdt>"
    )
    assert texts(read_docx(body)) == ["enlace Monterrey 3 fin"]


def test_nested_tables_keep_their_paragraphs(read_docx: ReadDocx) -> None:
    inner = "<w:tbl><w:tr><w:tc>" + p("interna") + "</w:tc></w:tr></w:tbl>"
    body = ("<w:tbl><w:tr><w:tc>" + p("a1") + "</w:tc><w:tc>" + p("b1") + inner
            + p("b1 bis") + "</w:tc></w:tr><w:tr><w:tc>" + p("a2") + "</w:tc></w:tr></w:tbl>")
    doc = read_docx(body)
    (table,) = doc.blocks
    assert isinstance(table, Table)
    assert table.n_rows == 2 and table.n_cols == 2
    assert table.rows[0][1].tables[0].rows[0][0].text == "interna"
    assert sorted(texts(doc)) == sorted(["a1", "b1", "b1 bis", "interna", "a2"])
    assert all(q.origin is Origin.TABLE for q in doc.iter_paragraphs())


def test_deleted_table_row_is_dropped(read_docx: ReadDocx) -> None:
    body = ("<w:tbl><w:tr><w:tc>" + p("queda") + '</w:tc></w:tr><w:tr><w:trPr><w:del w:id="1" '
            'w:author="a"/></w:trPr><w:tc>' + p("fila borrada") + "</w:tc></w:tr></w:tbl>")
    assert texts(read_docx(body)) == ["queda"]


def test_toc_field_marks_paragraphs_and_ends_with_the_field(read_docx: ReadDocx) -> None:
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space='
        '"preserve"> TOC \\o "1-3" \\h </w:instrText></w:r><w:r><w:fldChar '
        'w:fldCharType="separate"/></w:r><w:r><w:t>Introducción 3</w:t></w:r></w:p>'
        + p("Desarrollo 4")
        + '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>' + p("Introducción")
    )
    doc = read_docx(body)
    paras = list(doc.iter_paragraphs())
    assert [q.is_toc for q in paras] == [True, True, True, False]
    assert paras[0].text == "Introducción 3"


def test_field_instructions_are_not_text(read_docx: ReadDocx) -> None:
    body = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7'
            '</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    assert texts(read_docx(body)) == ["7"]


def test_picture_chart_and_object_become_figures(read_docx: ReadDocx) -> None:
    def drawing(uri: str, descr: str) -> str:
        return (f'<w:p><w:r><w:drawing><wp:inline><wp:docPr id="2" name="x" descr="{descr}"/>'
                f'<a:graphic><a:graphicData uri="{uri}"/></a:graphic></wp:inline></w:drawing>'
                "</w:r></w:p>")

    body = (
        drawing("http://schemas.openxmlformats.org/drawingml/2006/picture", "Organigrama")
        + drawing("http://schemas.openxmlformats.org/drawingml/2006/chart", "Ventas 2024")
        + '<w:p><w:r><w:object><v:shape><v:imagedata r:id="x"/></v:shape></w:object></w:r></w:p>'
        + '<w:p><w:r><w:pict><v:shape alt="logo"><v:imagedata r:id="y"/></v:shape></w:pict>'
        "</w:r></w:p>"
    )
    figures = [b for b in read_docx(body).blocks if isinstance(b, Figure)]
    assert [(f.kind, f.description) for f in figures] == [
        (FigureKind.IMAGE, "Organigrama"), (FigureKind.CHART, "Ventas 2024"),
        (FigureKind.OBJECT, ""), (FigureKind.IMAGE, "logo")]
    assert not any(f.counts_as_text for f in figures)


def test_paragraph_formatting_is_resolved(read_docx: ReadDocx) -> None:
    body = (
        p("TITULO", '<w:pPr><w:jc w:val="center"/></w:pPr>',
          '<w:rPr><w:b/><w:caps/><w:sz w:val="28"/></w:rPr>')
        + '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>medio</w:t></w:r><w:r><w:t> normal</w:t></w:r>'
        "</w:p>"
        + '<w:p><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>no</w:t></w:r></w:p>'
    )
    a, b, c = read_docx(body).iter_paragraphs()
    assert (a.bold, a.all_caps, a.font_size, a.centered) == (True, True, 14.0, True)
    assert (b.bold, b.centered) == (False, False)
    assert c.bold is False


def test_page_breaks_mark_the_next_paragraph(read_docx: ReadDocx) -> None:
    body = (
        p("portada") + '<w:p><w:r><w:br w:type="page"/></w:r></w:p>' + p("índice")
        + '<w:p><w:pPr><w:sectPr><w:type w:val="nextPage"/></w:sectPr></w:pPr></w:p>'
        + p("introducción") + p("capítulo", '<w:pPr><w:pageBreakBefore/></w:pPr>')
        + '<w:p><w:r><w:t>fin</w:t><w:br w:type="page"/></w:r></w:p>' + p("anexo")
    )
    got = [(q.text, q.page_break_before) for q in read_docx(body).iter_paragraphs()]
    assert got == [("portada", False), ("", True), ("índice", False), ("", False),
                   ("introducción", True), ("capítulo", True), ("fin", False), ("anexo", True)]


def test_math_text_is_read(read_docx: ReadDocx) -> None:
    body = ("<w:p><w:r><w:t>La fórmula</w:t></w:r><m:oMath><m:r><m:t>x</m:t></m:r><m:r><m:t>=2"
            "</m:t></m:r></m:oMath></w:p>")
    assert texts(read_docx(body)) == ["La fórmula x =2"]


def test_a_valid_document_without_text_reads_as_empty(read_docx: ReadDocx) -> None:
    doc = read_docx("<w:p/>")
    assert words(doc) == 0
    assert doc.title == "Reporte KAM" and doc.author == "Ana Pérez"


def test_subdocument_links_are_a_warning(read_docx: ReadDocx) -> None:
    doc = read_docx('<w:p><w:r><w:t>maestro</w:t></w:r></w:p><w:subDoc r:id="rSub"/>')
    assert texts(doc) == ["maestro"]
    assert [m.code for m in doc.messages] == ["KG-DOCX-SUBDOC"]
    assert "subdocumentos" in doc.messages[0].text


def test_figures_in_table_cells_are_kept_on_the_cell(read_docx: ReadDocx) -> None:
    pic = ('<w:p><w:r><w:drawing><wp:inline><wp:docPr id="9" name="f" descr="Organigrama"/>'
           '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/'
           'picture"/></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    body = "<w:tbl><w:tr><w:tc>" + pic + "</w:tc><w:tc>" + TEXTBOX_CHOICE_AND_FALLBACK \
        + "</w:tc></w:tr></w:tbl>"
    (table,) = read_docx(body).blocks
    assert isinstance(table, Table)
    left, right = table.rows[0]
    assert [(f.kind, f.description) for f in left.figures] == [(FigureKind.IMAGE, "Organigrama")]
    assert [f.kind for f in right.figures] == [FigureKind.SHAPE]
    assert [q.text for q in right.paragraphs] == ["ANCLA INSERTADO", "CAJA uno", "Despues"]


def test_direct_left_indentation_is_in_points(read_docx: ReadDocx) -> None:
    body = p("sangría", '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr>') + p("normal")
    a, b = read_docx(body).iter_paragraphs()
    assert (a.indent, b.indent) == (36.0, None)
