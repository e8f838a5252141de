"""Automatic numbering: the labels Word displays, in `Paragraph.numbering`."""

from __future__ import annotations

from kamgrade.docx.numbering import format_number, to_letters, to_roman
from tests.docx.conftest import ReadDocx


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">' + lvl(0, "decimal", "%1.") + lvl(1, "decimal", "%1.%2.")
    + lvl(2, "lowerLetter", "%3)") + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="1">' + lvl(0, "upperRoman", "%1.") + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="2">' + lvl(0, "bullet", "\uf0b7") + lvl(1, "bullet", "o")
    + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="3">' + lvl(0, "decimal", "%1.", extra='<w:pStyle w:val="H1"/>')
    + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
    '<w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    '<w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="6"><w:abstractNumId w:val="3"/></w:num>'
)
STYLES = ('<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/><w:pPr>'
          '<w:numPr><w:numId w:val="6"/></w:numPr></w:pPr></w:style>')


def item(num_id: int, ilvl: int, text: str) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
            f"</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")


def labels(read_docx: ReadDocx, body: str) -> list[tuple[str | None, int | None, str]]:
    doc = read_docx(body, numbering_xml=NUMBERING, styles_xml=STYLES)
    return [(q.numbering, q.list_level, q.text) for q in doc.iter_paragraphs()]


def test_decimal_labels_with_nested_levels_and_letters(read_docx: ReadDocx) -> None:
    body = (item(1, 0, "a") + item(1, 1, "b") + item(1, 2, "c") + item(1, 2, "d")
            + item(1, 1, "e") + item(1, 2, "f") + item(1, 0, "g") + item(1, 1, "h"))
    assert [x[0] for x in labels(read_docx, body)] == [
        "1.", "1.1.", "a)", "b)", "1.2.", "a)", "2.", "2.1."]


def test_roman_and_bullet_labels(read_docx: ReadDocx) -> None:
    body = item(2, 0, "x") + item(2, 0, "y") + item(2, 0, "z") + item(2, 0, "w") \
        + item(3, 0, "p") + item(3, 1, "q")
    assert labels(read_docx, body) == [
        ("I.", 0, "x"), ("II.", 0, "y"), ("III.", 0, "z"), ("IV.", 0, "w"),
        ("•", 0, "p"), ("o", 1, "q")]


def test_instances_of_one_list_continue_and_start_override_restarts(read_docx: ReadDocx) -> None:
    body = item(1, 0, "a") + item(1, 0, "b") + item(5, 0, "c") + item(4, 0, "d") + item(4, 0, "e")
    assert [x[0] for x in labels(read_docx, body)] == ["1.", "2.", "3.", "1.", "2."]


def test_numbering_through_a_heading_style_and_num_id_zero(read_docx: ReadDocx) -> None:
    body = ('<w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>Cuentas clave</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>Relaciones</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="H1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>'
            "<w:r><w:t>Sin número</w:t></w:r></w:p>" + item(99, 0, "lista inexistente"))
    assert labels(read_docx, body) == [
        ("1.", 0, "Cuentas clave"), ("2.", 0, "Relaciones"), (None, None, "Sin número"),
        (None, None, "lista inexistente")]


def test_number_formats() -> None:
    assert [to_roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994)] == [
        "I", "IV", "IX", "XIV", "XL", "XC", "CD", "MCMXCIV"]
    assert [to_letters(n) for n in (1, 26, 27, 28)] == ["A", "Z", "AA", "BB"]
    assert format_number(3, "lowerRoman") == "iii"
    assert format_number(2, "decimalZero") == "02"
    assert format_number(5, "cardinalText") == "5"
