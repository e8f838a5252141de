"""Footnotes, endnotes, comments, headers and footers are read but never body text."""

from __future__ import annotations

from tests.badfiles import part_xml
from tests.docx.conftest import ReadDocx, texts

NOTES = part_xml(
    "footnotes",
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Fuente: entrevista con el gerente.</w:t></w:r></w:p>'
    "</w:footnote>",
)
ENDNOTES = part_xml("endnotes", '<w:endnote w:id="1"><w:p><w:r><w:t>Nota final</w:t></w:r>'
                    "</w:p></w:endnote>")
COMMENTS = part_xml("comments", '<w:comment w:id="0" w:author="Profe"><w:p><w:r><w:t>Revisa'
                    "</w:t></w:r></w:p></w:comment>")
HEADER = part_xml("hdr", "<w:p><w:r><w:t>Universidad Tecmilenio</w:t></w:r></w:p>")
FOOTER = part_xml("ftr", "<w:p><w:r><w:t>Página 1</w:t></w:r></w:p>")


def test_footnotes_comments_headers_and_footers_are_kept_apart(read_docx: ReadDocx) -> None:
    body = ('<w:p><w:r><w:t>Texto</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'
            '<w:commentRangeStart w:id="0"/><w:r><w:t> del cuerpo</w:t></w:r>'
            '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>')
    doc = read_docx(
        body,
        extra_parts={"word/footnotes.xml": NOTES, "word/endnotes.xml": ENDNOTES,
                     "word/comments.xml": COMMENTS, "word/header1.xml": HEADER,
                     "word/footer1.xml": FOOTER},
        extra_rels=[("r1", "footnotes", "footnotes.xml"), ("r2", "endnotes", "endnotes.xml"),
                    ("r3", "comments", "comments.xml"), ("r4", "header", "header1.xml"),
                    ("r5", "footer", "footer1.xml")],
    )
    assert texts(doc) == ["Texto del cuerpo"]
    assert [(n.kind, n.text) for n in doc.notes] == [
        ("footnote", "Fuente: entrevista con el gerente."), ("endnote", "Nota final"),
        ("comment", "Revisa")]
    assert doc.headers == ("Universidad Tecmilenio",)
    assert doc.footers == ("Página 1",)
