"""SmartArt: node text is kept on the figure and is not body text."""

from __future__ import annotations

from kamgrade.model import Figure, FigureKind
from tests.docx.conftest import ReadDocx, texts

DATA = (
    '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
    '<dgm:pt modelId="0" type="doc"><dgm:t><a:p><a:r><a:t>no</a:t></a:r></a:p></dgm:t></dgm:pt>'
    '<dgm:pt modelId="1"><dgm:t><a:p><a:r><a:t>Director </a:t></a:r><a:r><a:t>comercial</a:t>'
    "</a:r></a:p></dgm:t></dgm:pt>"
    '<dgm:pt modelId="2" type="node"><dgm:t><a:p><a:r><a:t>KAM norte</a:t></a:r></a:p>'
    "</dgm:t></dgm:pt><dgm:pt modelId=\"3\" type=\"parTrans\"/></dgm:ptLst></dgm:dataModel>"
)
BODY = (
    '<w:p><w:r><w:t>Organigrama:</w:t></w:r><w:r><w:drawing><wp:inline><wp:docPr id="3" '
    'name="Diagrama 3"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
    'drawingml/2006/diagram"><dgm:relIds r:dm="rDm" r:lo="rLo" r:qs="rQs" r:cs="rCs"/>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def test_smartart_text_is_on_the_figure_but_not_counted_as_body_text(read_docx: ReadDocx) -> None:
    doc = read_docx(BODY, extra_parts={"word/diagrams/data1.xml": DATA},
                    extra_rels=[("rDm", "diagramData", "diagrams/data1.xml")])
    _, figure = doc.blocks
    assert isinstance(figure, Figure) and figure.kind is FigureKind.DIAGRAM
    assert figure.text == "Director comercial\nKAM norte"
    assert not figure.counts_as_text
    assert texts(doc) == ["Organigrama:"]


def test_smartart_with_missing_data_part_is_an_empty_diagram(read_docx: ReadDocx) -> None:
    doc = read_docx(BODY)
    _, figure = doc.blocks
    assert isinstance(figure, Figure) and figure.kind is FigureKind.DIAGRAM
    assert figure.paragraphs == ()
