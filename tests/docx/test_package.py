"""The OPC package: main part found by relationship, Strict namespaces, dangling relationships."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from kamgrade.reader import read_submission
from kamgrade.results import Severity
from tests.badfiles import MACRO_CT, W_NS, build_docx
from tests.docx.conftest import ReadDocx, texts

WriteFile = Callable[[bytes, str], Path]
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def test_main_part_is_found_through_the_office_document_relationship(read_docx: ReadDocx) -> None:
    doc = read_docx("<w:p><w:r><w:t>en otra ruta</w:t></w:r></w:p>",
                    main_path="word/document2.xml")
    assert texts(doc) == ["en otra ruta"]
    doc = read_docx("<w:p><w:r><w:t>raíz</w:t></w:r></w:p>", main_path="docMain.xml")
    assert texts(doc) == ["raíz"]


def test_strict_namespaces_are_read_as_transitional(read_docx: ReadDocx) -> None:
    doc_xml = (f'<w:document xmlns:w="{STRICT_W}" '
               'xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships">'
               '<w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Estricto</w:t>'
               "</w:r></w:p></w:body></w:document>")
    styles = (f'<w:styles xmlns:w="{STRICT_W}"><w:style w:type="paragraph" '
              'w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>')
    doc = read_docx(document_xml=doc_xml, extra_parts={"word/styles.xml": styles},
                    extra_rels=[("rS", "styles", "styles.xml")])
    (para,) = doc.iter_paragraphs()
    assert (para.text, para.style_name, para.outline_level) == ("Estricto", "heading 1", 0)


def test_relationships_to_missing_parts_are_warnings(read_docx: ReadDocx) -> None:
    doc = read_docx("<w:p><w:r><w:t>texto</w:t></w:r></w:p>",
                    extra_rels=[("rX", "webSettings", "webSettings.xml"),
                                ("rY", "image", "media/image16.png")])
    assert texts(doc) == ["texto"]
    (msg,) = doc.messages
    assert msg.code == "KG-DOCX-MISSING-PART" and msg.severity is Severity.WARNING
    assert "word/media/image16.png" in msg.text and "no existen" in msg.text


def test_macro_enabled_content_is_read_as_text_with_a_warning(read_docx: ReadDocx) -> None:
    doc = read_docx("<w:p><w:r><w:t>con macros</w:t></w:r></w:p>", main_content_type=MACRO_CT,
                    name="tarea.docx")
    assert doc.macro_enabled
    assert texts(doc) == ["con macros"]
    assert doc.messages[0].code == "KG-DOCX-MACROS"
    assert "nunca ejecuta macros" in doc.messages[0].text


def test_templates_and_odd_extensions_are_read_by_content(read_docx: ReadDocx) -> None:
    template_ct = ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                   "template.main+xml")
    doc = read_docx("<w:p><w:r><w:t>plantilla</w:t></w:r></w:p>", main_content_type=template_ct,
                    name="reporte.pdf")
    assert texts(doc) == ["plantilla"] and not doc.macro_enabled


def test_core_and_app_properties(read_docx: ReadDocx) -> None:
    app = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>LibreOffice/7.3</Application><Pages>4</Pages>'
           "</Properties>")
    doc = read_docx(extra_parts={"docProps/app.xml": app})
    assert (doc.title, doc.author, doc.application) == ("Reporte KAM", "Ana Pérez",
                                                        "LibreOffice/7.3")


def test_prefixes_other_than_w_are_fine(read_docx: ReadDocx) -> None:
    doc_xml = (f'<ns0:document xmlns:ns0="{W_NS}"><ns0:body><ns0:p><ns0:r><ns0:t>ns0</ns0:t>'
               "</ns0:r></ns0:p></ns0:body></ns0:document>")
    assert texts(read_docx(document_xml=doc_xml)) == ["ns0"]


def test_member_with_an_empty_name_is_ignored(write_file: WriteFile) -> None:
    # Found by fuzzing: ZipInfo.is_dir() raises IndexError on an empty member name.
    buf = io.BytesIO(build_docx())
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr(zipfile.ZipInfo(""), b"x")
    doc = read_submission(write_file(buf.getvalue(), "a.docx"))
    assert texts(doc) == ["Hola mundo"]
