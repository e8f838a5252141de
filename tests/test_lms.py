"""kamgrade.lms: students from Canvas, Moodle and Blackboard download names, or a guess."""

from __future__ import annotations

import pytest

from kamgrade.lms import match_lms, original_filename, student_from_filename
from kamgrade.outcome import Student


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # Canvas: lower-cased sortable name, [LATE], user id, attachment id, uploaded name
        ("smithbob_340934_208490284_BobsWork.docx", Student("smithbob", "340934", "lms")),
        (
            "lopezruizana_LATE_340934_208490284_Reporte_KAM.docx",
            Student("lopezruizana", "340934", "lms"),
        ),
        ("lópezruizana_late_77_208490284_r.docx", Student("lópezruizana", "77", "lms")),
        ("anon_xK3dE_208490284_reporte.docx", Student(None, "xK3dE", "lms")),
        # Moodle: folders (default since 3.1) and flat
        (
            "Ana López_1234567_assignsubmission_file/KAM_final.docx",
            Student("Ana López", "1234567", "lms"),
        ),
        (
            "Ana López_1234567_assignsubmission_file/sub/KAM.docx",
            Student("Ana López", "1234567", "lms"),
        ),
        (
            "Ana López_1234567_assignsubmission_file_KAM_final.docx",
            Student("Ana López", "1234567", "lms"),
        ),
        ("Participante_1234567_assignsubmission_file_KAM.docx", Student(None, "1234567", "lms")),
        ("Equipo Norte_42_assignsubmission_file_KAM.docx", Student("Equipo Norte", "42", "lms")),
        # Blackboard: assignment (may hold "_"), username, attempt date, original name
        (
            "Actividad_3_KAM_al01234567_attempt_2026-10-12-20-50-44_Reporte final.docx",
            Student(None, "AL01234567", "lms"),
        ),
        ("Actividad_3_KAM_jperez_attempt_2026-10-12-20-50-44.txt", Student(None, "jperez", "lms")),
    ],
)
def test_lms_download_names_give_the_student(path: str, expected: Student) -> None:
    assert student_from_filename(path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Perez_Lopez_Juan_AL01234567.docx", Student("Perez Lopez Juan", "AL01234567", "filename")),
        ("AL01234567 Ana López Ruiz.docx", Student("Ana López Ruiz", "AL01234567", "filename")),
        ("juan perez 1234567.docx", Student("juan perez", "1234567", "filename")),
        ("Actividad 3 KAM - al02934817.docx", Student(None, "AL02934817", "filename")),
        ("Actividad3_KAM_final.docx", Student(None, None, "none")),
        (
            "Reporte_2024_10_final.docx",
            Student(None, None, "none"),
        ),  # not Canvas: Canvas lower-cases
    ],
)
def test_other_names_are_guessed_from_the_file_name(path: str, expected: Student) -> None:
    assert student_from_filename(path) == expected


def test_the_platform_is_named() -> None:
    assert match_lms("smithbob_340934_208490284_x.docx")[0] == "canvas"  # type: ignore[index]
    assert match_lms("Ana_1_assignsubmission_file_x.docx")[0] == "moodle"  # type: ignore[index]
    assert match_lms("A_u_attempt_2026-01-01-00-00-00_x.docx")[0] == "blackboard"  # type: ignore[index]
    assert match_lms("reporte.docx") is None


def test_the_original_file_name_drops_the_lms_prefix() -> None:
    assert original_filename("smithbob_340934_208490284_Bobs_Work.docx") == "Bobs_Work.docx"
    assert original_filename("Ana_1_assignsubmission_file_KAM final.docx") == "KAM final.docx"
    assert original_filename("reporte.docx") == "reporte.docx"


def test_a_temporary_extraction_folder_is_not_mistaken_for_a_student() -> None:
    assert student_from_filename("/tmp/kamgrade-abc123/zip1/reporte.docx") == Student(
        None, None, "none"
    )
