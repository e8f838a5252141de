"""Who wrote a submission, from its file name: LMS download names first, then a guess.

Canvas, Moodle and Blackboard rename the files in their "download all submissions" zips in
documented ways (see `docs/lms-formats.md`, summarised from the platforms' source). Each layout
is one *named* regular expression that must define `student_id` (nbgrader's
`FileNameCollectorPlugin.named_regexp` idea); adding a platform is adding a pattern.

When no LMS pattern matches, the name and matrícula are guessed from the file name
("Perez_Lopez_Juan_AL01234567.docx" -> "Perez Lopez Juan", "AL01234567"). The grading code
prefers what the cover page says and falls back to `student_from_filename`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from kamgrade.outcome import Student


@dataclass(frozen=True, slots=True)
class LmsPattern:
    """One LMS download layout: a named regex over a file or folder name."""

    platform: str
    regex: re.Pattern[str]
    applies_to: str  # "file" (the file name) or "folder" (a parent folder's name)
    lowercase_name: bool = False  # Canvas lower-cases the name: "Reporte_2024_10_x" is not Canvas


# Canvas (instructure/canvas-lms lib/content_zipper.rb): lower-cased sortable name with non-word
# characters removed, optional LATE, the numeric user id, the attachment id, the uploaded name.
CANVAS = LmsPattern(
    "canvas",
    re.compile(
        r"^(?P<name>[^\W\d_]\w*?)(?:_LATE|_late)?_(?P<student_id>\d+)_(?P<attachment_id>\d+)_(?P<file>.+)$"
    ),
    "file",
    lowercase_name=True,
)
# Canvas with anonymous grading: anon_<anonymous_id>_<attachment id>_<file>.
CANVAS_ANON = LmsPattern(
    "canvas",
    re.compile(
        r"^anon_(?P<student_id>[A-Za-z0-9]+)(?:_LATE|_late)?_(?P<attachment_id>\d+)_(?P<file>.+)$"
    ),
    "file",
)
# Moodle (mod/assign/classes/downloader.php):
# "<full name>_<participant id>_assignsubmission_<plugin>" then "_<file>" (flat) or a folder.
# Team mode uses "groupname_groupid", so anchor on the LAST "_<digits>_assignsubmission_"
# (greedy name).
MOODLE_FILE = LmsPattern(
    "moodle",
    re.compile(
        r"^(?P<name>.+)_(?P<student_id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$"
    ),
    "file",
)
MOODLE_FOLDER = LmsPattern(
    "moodle",
    re.compile(r"^(?P<name>.+)_(?P<student_id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$"),
    "folder",
)
# Blackboard original "Assignment File Download":
# <assignment>_<username>_attempt_<datetime>[_<file>].
# The assignment may contain "_", the username cannot: the first "_<user>_attempt_<date>" wins.
BLACKBOARD = LmsPattern(
    "blackboard",
    re.compile(
        r"^(?P<assignment>.+?)_(?P<student_id>[^_]+)_attempt_(?P<datetime>\d{4}(?:-\d{2}){5})(?:_(?P<file>.+)|\.\w+)?$"
    ),
    "file",
)

PATTERNS: tuple[LmsPattern, ...] = (MOODLE_FILE, BLACKBOARD, CANVAS_ANON, CANVAS, MOODLE_FOLDER)

# Names the LMS writes instead of a person's name (blind marking).
_PLACEHOLDER_NAMES = {"participant", "participante", "anon", "anonymous", "anonimo"}

# Tecmilenio matrícula (AL0 + 7 digits), else a bare 6-8 digit id.
MATRICULA = re.compile(r"(?<![A-Za-z0-9])(?P<id>AL0\d{7})(?![0-9])", re.IGNORECASE)
NUMERIC_ID = re.compile(r"(?<![A-Za-z0-9])(?P<id>\d{6,8})(?![0-9])")

# Words in file names that are about the assignment, not the student.
_NOT_NAME_WORDS = {
    "actividad", "act", "tarea", "reporte", "informe", "entrega", "entregable", "final", "borrador",
    "version", "ver", "kam", "cuentas", "cuenta", "clave", "clientes", "relaciones", "ventas",
    "venta",
    "documento", "doc", "docx", "trabajo", "proyecto", "evidencia", "ensayo", "copia", "copy", "de",
    "del", "la", "el", "y", "en", "con", "para", "por", "corregido", "corregida", "nuevo", "nueva",
    "definitivo", "matricula", "mat", "id", "alumno", "alumna", "estudiante", "grupo", "equipo",
    "semana", "modulo", "tema", "parcial", "unidad", "word", "submission", "assignment",
}  # fmt: skip
_WORD = re.compile(r"^[^\W\d_]{2,}$")


def _fold(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", s) if unicodedata.category(c) != "Mn"
    ).casefold()


def match_lms(path: PurePath | str) -> tuple[str, dict[str, str]] | None:
    """The LMS platform and the named groups for `path`, or None when no layout matches.

    The file name is tried against file layouts; up to three parent folders against folder
    layouts (Moodle "download as folders" may nest the student's own sub-folders).
    """
    p = PurePath(path)
    for pattern in PATTERNS:
        if pattern.applies_to == "file":
            m = pattern.regex.match(p.name)
            if m and not (pattern.lowercase_name and m.group("name") != m.group("name").lower()):
                return pattern.platform, {k: v for k, v in m.groupdict().items() if v is not None}
    for parent in list(p.parents)[:3]:
        for pattern in PATTERNS:
            if pattern.applies_to == "folder":
                m = pattern.regex.match(parent.name)
                if m:
                    return pattern.platform, {
                        k: v for k, v in m.groupdict().items() if v is not None
                    }
    return None


def _clean_name(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = re.sub(r"[_\s]+", " ", raw).strip()
    if not name or _fold(name) in _PLACEHOLDER_NAMES:
        return None
    return name


def guess_from_name(stem: str) -> Student:
    """Guess (name, id) from a file stem such as "Perez_Lopez_Juan_AL01234567".

    The id is a Tecmilenio matrícula (`AL0` + 7 digits) or else a 6-8 digit number; the name is
    the remaining alphabetic words when at least two are left after dropping assignment words
    ("actividad", "kam", "final"…). Either may be None.
    """
    sid: str | None = None
    rest = stem
    m = MATRICULA.search(stem) or NUMERIC_ID.search(stem)
    if m:
        sid = m.group("id").upper()
        rest = stem[: m.start()] + " " + stem[m.end() :]
    tokens = [t for t in re.split(r"[\s_\-.,()\[\]+]+", rest) if t]
    words = [t for t in tokens if _WORD.match(t) and _fold(t) not in _NOT_NAME_WORDS]
    # A name is only believable when the words are the bulk of what is left.
    name = " ".join(words) if len(words) >= 2 and len(words) >= len(tokens) - 1 else None
    if name is None and sid is None:
        return Student(None, None, "none")
    return Student(name, sid, "filename")


def student_from_filename(path: PurePath | str) -> Student:
    """The student a submission belongs to, from its path alone.

    LMS download names give `source="lms"`; otherwise the name is guessed (`source="filename"`),
    or `Student(None, None, "none")` when nothing can be read.

    >>> student_from_filename("Ana López_1234567_assignsubmission_file/KAM.docx")
    Student(name='Ana López', id='1234567', source='lms')
    >>> student_from_filename("Perez_Lopez_Juan_AL01234567.docx")
    Student(name='Perez Lopez Juan', id='AL01234567', source='filename')
    """
    p = PurePath(path)
    found = match_lms(p)
    if found is not None:
        _platform, groups = found
        sid = groups.get("student_id")
        if sid is not None and MATRICULA.fullmatch(sid):
            sid = sid.upper()  # Blackboard usernames are often the matrícula in lower case
        return Student(_clean_name(groups.get("name")), sid, "lms")
    return guess_from_name(p.stem)


def original_filename(path: PurePath | str) -> str:
    """The name the student gave the file, without the LMS prefix (the name itself otherwise)."""
    p = PurePath(path)
    found = match_lms(p)
    if (
        found is not None
        and "file" in found[1]
        and PurePath(found[1]["file"]).name == found[1]["file"]
    ):
        return found[1]["file"]
    return p.name
