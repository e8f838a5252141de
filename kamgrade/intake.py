"""Pre-flight for submissions: decide what a file is and refuse hostile ones before inflating.

Nothing is ever extracted to disk. Zip members are read in memory with a byte cap, and every XML
part goes through `parse_xml`, which refuses DTDs (XXE, entity bombs) and never touches the network.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import olefile
from lxml import etree

from kamgrade.errors import ErrorCode, UnreadableSubmission

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Limits applied before and while reading a submission; every one is configurable."""

    max_file_bytes: int = 50 * MB  # the file on disk
    max_total_uncompressed: int = 300 * MB  # sum of declared member sizes
    max_part_uncompressed: int = 100 * MB  # any single member
    max_members: int = 2000
    max_ratio: float = 200.0  # uncompressed / compressed, for members larger than ratio_min_size
    ratio_min_size: int = 1 * MB
    max_pages: int = 300  # docProps/app.xml Pages, or estimated from words when absent
    words_per_page: int = 500  # used only to estimate pages when app.xml has none


ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PDF_MAGIC = b"%PDF"
LOCK_FILE_SIZE = 162

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def fail(code: ErrorCode, message: str) -> UnreadableSubmission:
    """Build the one exception the reader raises (callers `raise fail(...)`)."""
    return UnreadableSubmission(code, message)


_MSG = {
    ErrorCode.EMPTY: "el archivo está vacío (0 bytes). Pide al estudiante que vuelva a "
    "entregarlo; probablemente la subida se interrumpió.",
    ErrorCode.LOCK_FILE: "es un archivo temporal de bloqueo de Word (~$...), no el reporte. "
    "Pide al estudiante el archivo .docx real, que tiene el mismo nombre sin '~$'.",
    ErrorCode.PDF: "es un PDF, no un documento de Word. Pide al estudiante el .docx original; "
    "kamgrade no califica PDF.",
    ErrorCode.ENCRYPTED: "el archivo está protegido con contraseña. Pide al estudiante una copia "
    "sin contraseña; kamgrade nunca intenta adivinarla.",
    ErrorCode.LEGACY_DOC: "es un documento de Word 97-2003 (.doc), no un .docx. Pide al "
    "estudiante que lo guarde como .docx, o usa --convert-legacy si LibreOffice está instalado.",
}


def refuse(code: ErrorCode, detail: str | None = None) -> UnreadableSubmission:
    """The standard Spanish message for `code`, or `detail` when given."""
    return fail(code, detail if detail is not None else _MSG[code])


def _looks_like_lock_file(name: str, head: bytes, size: int) -> bool:
    # Word's owner file: 1 length byte, the user name padded to 54 bytes, then the name again
    # in UTF-16 with a 2-byte length; always 162 bytes.
    if name.startswith("~$") and size <= 4096:
        return True
    return size == LOCK_FILE_SIZE and 0 < head[0] <= 53 and head[0x36:0x37] == head[0:1]


def sniff(path: Path, limits: ReadLimits) -> bytes:
    """Read `path` and return its bytes when they look like a zip; refuse everything else.

    Raises UnreadableSubmission with not_found, empty, too_large, lock_file, pdf, encrypted,
    legacy_doc, corrupt or not_docx.
    """
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise refuse(ErrorCode.NOT_FOUND, "la ruta no es un archivo. Revisa la ruta indicada.")
    except FileNotFoundError:
        raise refuse(
            ErrorCode.NOT_FOUND, "el archivo no existe. Revisa la ruta o vuelve a descargarlo."
        ) from None
    except OSError as e:
        raise refuse(
            ErrorCode.NOT_FOUND,
            f"no se pudo abrir el archivo ({e.strerror}). Revisa permisos y ruta.",
        ) from None
    if size == 0:
        raise refuse(ErrorCode.EMPTY)
    if size > limits.max_file_bytes:
        raise refuse(
            ErrorCode.TOO_LARGE,
            f"el archivo pesa {size / MB:.1f} MB y el límite es {limits.max_file_bytes / MB:.0f} "
            "MB. Pide al estudiante que comprima las imágenes o reduce el límite con la "
            "configuración de lectura si es legítimo.",
        )
    data = path.read_bytes()
    head = data[:1024]
    if _looks_like_lock_file(path.name, head, size) and not head.startswith(ZIP_MAGIC):
        raise refuse(ErrorCode.LOCK_FILE)
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return data
    if head.startswith(OLE_MAGIC):
        raise _classify_ole(data)
    if PDF_MAGIC in head[:1024]:
        raise refuse(ErrorCode.PDF)
    raise refuse(ErrorCode.NOT_DOCX, _not_docx_message(head))


def _classify_ole(data: bytes) -> UnreadableSubmission:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        finally:
            ole.close()
    except Exception:  # olefile raises bare OSError/struct.error/IndexError on damaged files
        return refuse(
            ErrorCode.CORRUPT,
            "es un archivo de Office antiguo o cifrado, pero está dañado. Pide al estudiante que "
            "lo vuelva a guardar como .docx y lo entregue de nuevo.",
        )
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return refuse(ErrorCode.ENCRYPTED)
    if "WordDocument" in streams:
        return refuse(ErrorCode.LEGACY_DOC)
    return refuse(
        ErrorCode.NOT_DOCX,
        "es un archivo de Office antiguo que no es de Word (por ejemplo Excel o PowerPoint "
        "97-2003). Pide al estudiante el reporte en .docx.",
    )


def _not_docx_message(head: bytes) -> str:
    kinds = {
        b"{\\rtf": "un documento RTF",
        b"\x89PNG": "una imagen PNG",
        b"\xff\xd8\xff": "una imagen JPEG",
        b"GIF8": "una imagen GIF",
        b"Rar!": "un archivo RAR",
        b"7z\xbc\xaf": "un archivo 7z",
        b"<?xml": "un archivo XML suelto",
        b"<html": "una página HTML",
        b"<!DOCTYPE html": "una página HTML",
    }
    what = next((v for k, v in kinds.items() if head.lstrip().lower().startswith(k.lower())), None)
    if what is None:
        what = "texto sin formato" if _is_text(head) else "un archivo de otro tipo"
    return (
        f"no es un documento de Word (.docx): parece {what}. Pide al estudiante que abra su "
        "reporte en Word y lo guarde como .docx."
    )


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def open_zip(data: bytes, limits: ReadLimits) -> zipfile.ZipFile:
    """Open the zip and check its directory against `limits` before inflating anything."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        OSError,
        KeyError,
        IndexError,
        UnicodeDecodeError,
        NotImplementedError,
    ):
        raise refuse(
            ErrorCode.CORRUPT,
            "el archivo .docx está dañado (el zip está truncado o su índice es inválido). Pide al "
            "estudiante que lo abra en Word, lo guarde de nuevo y lo vuelva a entregar.",
        ) from None
    if len(infos) > limits.max_members:
        raise refuse(
            ErrorCode.UNSAFE,
            f"el archivo contiene {len(infos)} partes (límite {limits.max_members}); un .docx "
            "normal tiene menos de 100. No se abrió por seguridad; pide una copia guardada de "
            "nuevo en Word.",
        )
    total = 0
    for info in infos:
        name = info.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in PurePosixPath(name.replace("\\", "/")).parts
            or (len(name) > 1 and name[1] == ":")
        ):
            raise refuse(
                ErrorCode.UNSAFE,
                f"el archivo contiene una ruta peligrosa ({name[:60]!r}), típica de archivos "
                "manipulados. No se abrió; pide al estudiante una copia guardada de nuevo en Word.",
            )
        size = info.file_size
        total += size
        if size > limits.max_part_uncompressed or total > limits.max_total_uncompressed:
            raise refuse(
                ErrorCode.TOO_LARGE,
                "el contenido descomprimido del archivo supera el límite "
                f"({limits.max_total_uncompressed / MB:.0f} MB en total, "
                f"{limits.max_part_uncompressed / MB:.0f} MB por parte). Pide al estudiante que "
                "reduzca el tamaño de las imágenes o ajusta los límites de lectura.",
            )
        if size > limits.ratio_min_size and size > limits.max_ratio * max(info.compress_size, 1):
            raise refuse(
                ErrorCode.UNSAFE,
                f"una parte del archivo se comprime {size / max(info.compress_size, 1):.0f} veces "
                "(una «bomba zip»). No se descomprimió por seguridad; pide al estudiante una copia "
                "guardada de nuevo en Word.",
            )
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limits: ReadLimits) -> bytes:
    """Read one member in memory, never more than the per-part cap (declared sizes may lie)."""
    cap = limits.max_part_uncompressed
    try:
        with zf.open(name) as fh:
            data = fh.read(cap + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as e:
        # RuntimeError: zipfile's "encrypted member" (traditional PKWARE encryption).
        raise refuse(
            ErrorCode.CORRUPT,
            f"la parte {name!r} del .docx está dañada ({type(e).__name__}). Pide al estudiante "
            "que lo abra en Word, lo guarde de nuevo y lo vuelva a entregar.",
        ) from None
    if len(data) > cap:
        raise refuse(
            ErrorCode.TOO_LARGE,
            f"la parte {name!r} supera {cap / MB:.0f} MB descomprimida. Pide al estudiante una "
            "copia con imágenes más ligeras.",
        )
    return data


def _has_doctype(data: bytes) -> bool:
    head = data[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:2] == b"\x00" or head[:1] == b"\x00":
        try:
            head = data[:2048].decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:
            return True
    return b"<!doctype" in head.lower() or b"<!entity" in head.lower()


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse an XML part safely: no DTD, no entities, no network, bounded depth and size."""
    if _has_doctype(data):
        raise refuse(
            ErrorCode.UNSAFE,
            f"la parte {name!r} declara un DOCTYPE (Word nunca lo hace); puede ser un intento de "
            "leer archivos del equipo o de agotar la memoria. No se abrió; pide al estudiante "
            "una copia guardada de nuevo en Word.",
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as e:
        raise refuse(
            ErrorCode.CORRUPT,
            f"la parte {name!r} del .docx tiene XML mal formado ({str(e)[:80]}). Pide al "
            "estudiante que lo abra en Word, lo guarde de nuevo y lo vuelva a entregar.",
        ) from None
    if root is None:
        raise refuse(ErrorCode.CORRUPT, f"la parte {name!r} del .docx está vacía.")
    # A DOCTYPE placed after a long comment escapes the 1 KB sniff; the parsed tree still has it.
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise refuse(
            ErrorCode.UNSAFE,
            f"la parte {name!r} declara un DOCTYPE (Word nunca lo hace). No se abrió por "
            "seguridad; pide al estudiante una copia guardada de nuevo en Word.",
        )
    return root
