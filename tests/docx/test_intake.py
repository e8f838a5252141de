"""Pre-flight: every kind of file that is not a readable .docx is refused with its code and a
Spanish message that says what happened and what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import tests.badfiles as bad
from kamgrade.errors import ErrorCode, UnreadableSubmission
from kamgrade.intake import MB, ReadLimits, parse_xml
from kamgrade.reader import read_submission

WriteFile = Callable[[bytes, str], Path]

# Generator -> words the Spanish message must contain (what happened, what to do).
MESSAGE_HINTS: dict[str, tuple[str, ...]] = {
    "renamed_text": ("no es un documento de Word", "texto sin formato", "guarde como .docx"),
    "renamed_png": ("imagen PNG", "guarde como .docx"),
    "zip_not_docx": ("archivo zip", ".docx"),
    "xlsx_renamed": ("Excel",),
    "other_ole": ("no es de Word",),
    "pdf": ("PDF", ".docx original"),
    "empty": ("vacío", "vuelva a entregarlo"),
    "lock_file": ("bloqueo de Word", "sin '~$'"),
    "encrypted_docx": ("contraseña", "nunca intenta adivinarla"),
    "legacy_doc": ("97-2003", ".docx", "--convert-legacy"),
    "truncated_zip": ("dañado", "guarde de nuevo"),
    "bad_crc_zip": ("dañada", "guarde de nuevo"),
    "missing_main_part": ("documento principal", "guarde de nuevo"),
    "malformed_xml": ("XML mal formado", "guarde de nuevo"),
    "lying_size_zip": ("dañada",),
    "xxe_docx": ("DOCTYPE", "No se abrió"),
    "billion_laughs_docx": ("DOCTYPE", "No se abrió"),
    "zip_bomb": ("bomba zip", "No se descomprimió"),
    "traversal_names_zip": ("ruta peligrosa", "../../evil.sh"),
    "too_many_members": ("2000", "No se abrió"),
    "many_pages": ("400 páginas", "límite es 300"),
}


def refusal(path: Path, limits: ReadLimits | None = None) -> UnreadableSubmission:
    with pytest.raises(UnreadableSubmission) as info:
        read_submission(path, limits or ReadLimits())
    return info.value


@pytest.mark.parametrize("name", sorted(bad.EXPECTED))
def test_bad_file_is_refused_with_its_code_and_a_spanish_message(
    name: str, write_file: WriteFile
) -> None:
    file_name = "~$reporte.docx" if name == "lock_file" else "reporte.docx"
    err = refusal(write_file(getattr(bad, name)(), file_name))
    assert err.code is bad.EXPECTED[name]
    for hint in MESSAGE_HINTS[name]:
        assert hint in err.message
    assert str(err).startswith(f"{err.code}: ")


def test_every_generator_has_a_message_check() -> None:
    assert set(MESSAGE_HINTS) == set(bad.EXPECTED)


def test_lock_file_is_recognised_by_shape_without_its_name(write_file: WriteFile) -> None:
    assert refusal(write_file(bad.lock_file(), "reporte.docx")).code is ErrorCode.LOCK_FILE


def test_xxe_never_leaks_file_content(write_file: WriteFile, tmp_path: Path) -> None:
    secret = tmp_path / "secreto.txt"
    secret.write_text("CONTRASEÑA-DEL-SERVIDOR")
    err = refusal(write_file(bad.xxe_docx(secret.as_uri()), "x.docx"))
    assert err.code is ErrorCode.UNSAFE
    assert "CONTRASEÑA" not in str(err)


def test_doctype_hidden_after_the_first_kilobyte_is_still_refused() -> None:
    data = (b'<?xml version="1.0"?><!--' + b"x" * 2048 + b'--><!DOCTYPE d [<!ENTITY e "boom">]>'
            b"<d>&e;</d>")
    with pytest.raises(UnreadableSubmission) as info:
        parse_xml(data, "word/document.xml")
    assert info.value.code is ErrorCode.UNSAFE


def test_utf16_doctype_is_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d><d/>'.encode("utf-16")
    with pytest.raises(UnreadableSubmission) as info:
        parse_xml(data, "word/document.xml")
    assert info.value.code is ErrorCode.UNSAFE


def test_file_size_limit_is_configurable(write_file: WriteFile) -> None:
    path = write_file(bad.build_docx(), "a.docx")
    err = refusal(path, ReadLimits(max_file_bytes=100))
    assert err.code is ErrorCode.TOO_LARGE and "límite" in err.message


def test_uncompressed_and_page_limits_are_configurable(write_file: WriteFile) -> None:
    path = write_file(bad.build_docx("<w:p><w:r><w:t>" + "palabra " * 600 + "</w:t></w:r></w:p>"),
                      "a.docx")
    assert refusal(path, ReadLimits(max_total_uncompressed=1000)).code is ErrorCode.TOO_LARGE
    assert refusal(path, ReadLimits(max_part_uncompressed=1000)).code is ErrorCode.TOO_LARGE
    err = refusal(path, ReadLimits(max_pages=1, words_per_page=250))  # no app.xml: estimated
    assert err.code is ErrorCode.TOO_LARGE and "unas 2 páginas" in err.message


def test_zip_bomb_is_refused_before_inflating(write_file: WriteFile,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    def no_inflate(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened")

    path = write_file(bad.zip_bomb(2), "a.docx")
    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflate)
    assert len(path.read_bytes()) < 64 * 1024
    assert refusal(path, ReadLimits(ratio_min_size=1 * MB)).code is ErrorCode.UNSAFE


def test_missing_file_and_directory_are_not_found(tmp_path: Path) -> None:
    assert refusal(tmp_path / "no-existe.docx").code is ErrorCode.NOT_FOUND
    assert refusal(tmp_path).code is ErrorCode.NOT_FOUND


def test_default_limits() -> None:
    limits = ReadLimits()
    assert limits.max_file_bytes == 50 * MB and limits.max_total_uncompressed == 300 * MB
    assert limits.max_members == 2000 and limits.max_pages == 300
    with pytest.raises(AttributeError):
        limits.max_pages = 1  # type: ignore[misc]
