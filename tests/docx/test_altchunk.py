"""altChunk: imported HTML content is read in place as paragraphs."""

from __future__ import annotations

from kamgrade.model import Origin
from tests.docx.conftest import ReadDocx

HTML = (b"<html><head><title>t</title><style>p{}</style><script>alert(1)</script></head><body>"
        b"<h1>Resumen</h1><p>Primer p\xc3\xa1rrafo <b>importado</b>.</p><ul><li>uno</li>"
        b"<li>dos</li></ul><img src='http://example.com/x.png'></body></html>")


def test_alt_chunk_html_is_read_in_place(read_docx: ReadDocx) -> None:
    body = ('<w:p><w:r><w:t>antes</w:t></w:r></w:p><w:altChunk r:id="rHtml"/>'
            "<w:p><w:r><w:t>después</w:t></w:r></w:p>")
    doc = read_docx(body, extra_parts={"word/chunk.html": HTML},
                    extra_rels=[("rHtml", "aFChunk", "chunk.html")])
    got = [(p.text, p.origin) for p in doc.iter_paragraphs()]
    assert got == [("antes", Origin.BODY), ("Resumen", Origin.ALTCHUNK),
                   ("Primer párrafo importado.", Origin.ALTCHUNK), ("uno", Origin.ALTCHUNK),
                   ("dos", Origin.ALTCHUNK), ("después", Origin.BODY)]


def test_alt_chunk_of_unknown_type_is_a_warning(read_docx: ReadDocx) -> None:
    doc = read_docx('<w:altChunk r:id="rX"/>', extra_parts={"word/chunk.rtf": b"{\\rtf1 hola}"},
                    extra_rels=[("rX", "aFChunk", "chunk.rtf")])
    assert list(doc.iter_paragraphs()) == []
    assert doc.messages[0].code == "KG-DOCX-ALTCHUNK"
