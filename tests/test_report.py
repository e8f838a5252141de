"""kamgrade.report and kamgrade.fsutil: output files, their shape, and atomic writes."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from pathlib import Path

import pytest

from kamgrade import fsutil, report
from kamgrade.outcome import Student, SubmissionError, SubmissionOutcome
from kamgrade.rubric import LoadedRubric, load_rubric, rubric_ref
from tests.contract import CONTRACT_KEYS, ELEMENT_KEYS, SECTION_KEYS
from tests.test_batch import fake_grade, make_files, write_rubric


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedRubric:
    return load_rubric(write_rubric(tmp_path))


@pytest.fixture
def outcomes(tmp_path: Path, loaded: LoadedRubric) -> list[SubmissionOutcome]:
    (good,) = make_files(tmp_path / "in", {"José Núñez_AL01234567.docx": b"ok"})
    graded = fake_grade(good, loaded)
    graded = dataclasses.replace(graded, student=Student("José Núñez", "AL01234567", "filename"))
    error = SubmissionOutcome(
        file="entregas/malo.pdf",
        student=Student(None, None),
        status="error",
        rubric=rubric_ref(loaded),
        error=SubmissionError("pdf", "es un PDF, no un documento de Word."),
    )
    return [graded, error]


def test_results_json_is_a_list_of_contract_objects(
    tmp_path: Path, outcomes: list[SubmissionOutcome]
) -> None:
    path = report.write_results_json(tmp_path / "out" / "results.json", outcomes)
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(rows, list) and len(rows) == 2
    for row in rows:
        assert CONTRACT_KEYS <= set(row)
        assert {"name", "id"} <= set(row["student"]) and {"id", "version"} <= set(row["rubric"])
        assert {"words", "paragraphs", "tables", "figures"} <= set(row["document"])
    graded, error = rows
    assert (
        graded["status"] == "graded"
        and graded["error"] is None
        and isinstance(graded["total"], float)
    )
    assert SECTION_KEYS <= set(graded["sections"][0])
    assert ELEMENT_KEYS <= set(graded["sections"][0]["elements"][0])
    assert error["status"] == "error" and error["error"] == {
        "code": "pdf",
        "message": "es un PDF, no un documento de Word.",
    }
    assert error["total"] is None
    assert "José Núñez" in path.read_text(encoding="utf-8")  # accents kept, not \u escapes


def test_result_json_is_exactly_what_the_standard_library_writes(
    outcomes: list[SubmissionOutcome],
) -> None:
    tricky = dataclasses.replace(
        outcomes[0],
        warnings=("«Sección» con \"comillas\", \\ barra,\ttab, \x01 control y \u2028", ""),
        total=66.66666666666667,
        extra={"nested": {"empty": [], "none": None, "big": 1e16, "n": 3}},
    )
    for outcome in [*outcomes, tricky]:
        expected = json.dumps(outcome.to_json(), ensure_ascii=False, indent=2)
        assert report.outcome_json(outcome) == expected
    # Below 1e-4 the exponent is written "1e-7", not "1e-07" (kamgrade rounds what it writes).
    tiny = dataclasses.replace(outcomes[0], extra={"tiny": 1e-7})
    assert json.loads(report.outcome_json(tiny))["tiny"] == 1e-7


def test_summary_csv_has_a_bom_and_one_row_per_submission(
    tmp_path: Path, outcomes: list[SubmissionOutcome]
) -> None:
    path = report.write_summary_csv(tmp_path / "summary.csv", outcomes, ["s1", "s2"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel in Spanish reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "archivo",
        "estudiante",
        "matricula",
        "s1",
        "s2",
        "total",
        "estado",
        "codigo_error",
        "mensaje_error",
    ]
    assert rows[1][1:3] == ["José Núñez", "AL01234567"] and rows[1][6] == "calificado"
    assert rows[2][3:5] == ["", ""] and rows[2][6:8] == ["error", "pdf"]
    assert len(rows) == 3


def test_an_exception_mid_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text("[]", encoding="utf-8")
    with pytest.raises(RuntimeError), fsutil.atomic_open(target) as fh:
        fh.write(b'[{"file": "a.docx", "status": "gra')
        raise RuntimeError("disco lleno")
    assert target.read_text(encoding="utf-8") == "[]"
    assert os.listdir(tmp_path) == ["results.json"]


def test_keyboard_interrupt_mid_write_leaves_no_partial_file(
    tmp_path: Path, outcomes: list[SubmissionOutcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def interrupted_fsync(fd: int) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "out"
    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        report.write_results_json(out / "results.json", outcomes)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert list(out.iterdir()) == []


def test_atomic_writes_get_ordinary_permissions(tmp_path: Path) -> None:
    path = fsutil.atomic_write_text(tmp_path / "a.txt", "hola")
    assert path.read_text(encoding="utf-8") == "hola"
    assert path.stat().st_mode & 0o644 == 0o644


def test_feedback_files_get_unique_names(tmp_path: Path, outcomes: list[SubmissionOutcome]) -> None:
    writer = report.FeedbackWriter(tmp_path / "feedback")
    files = {"md": b"# hola", "html": b"<p>hola</p>", "docx": b"PK"}
    first = writer.write(outcomes[0], files)
    second = writer.write(outcomes[0], files)
    assert [p.suffix for p in first] == [".md", ".html", ".docx"]
    assert {p.name for p in first}.isdisjoint({p.name for p in second})
    assert all(p.read_bytes() for p in first + second)


def test_the_table_lists_each_submission_with_its_scores_and_status(
    outcomes: list[SubmissionOutcome],
) -> None:
    table = report.render_table(outcomes, ["s1", "s2"])
    lines = table.splitlines()
    assert lines[0].split() == ["Archivo", "Estudiante", "s1", "s2", "Total", "Estado"]
    assert "José Núñez" in lines[2] and "calificado" in lines[2]
    assert "malo.pdf" in lines[3] and "error (pdf)" in lines[3]


def test_unreadable_files_are_listed_with_their_reason(outcomes: list[SubmissionOutcome]) -> None:
    text = report.render_problems(outcomes)
    assert text.startswith("No se pudieron calificar 1 archivo(s):")
    assert "entregas/malo.pdf [pdf]: es un PDF" in text
    assert report.render_problems(outcomes[:1]) == ""


def test_results_from_another_rubric_version_are_flagged(
    tmp_path: Path, loaded: LoadedRubric, outcomes: list[SubmissionOutcome]
) -> None:
    results = report.write_results_json(tmp_path / "results.json", outcomes)
    assert report.rubric_mismatch_warning(results, loaded) is None
    changed = load_rubric(
        write_rubric(
            tmp_path,
            (tmp_path / "prueba.kamgrade.yaml").read_text().replace('"1.0"', '"1.1"'),
            "b.kamgrade.yaml",
        )
    )
    warning = report.rubric_mismatch_warning(results, changed)
    assert warning is not None and "otra rúbrica" in warning and "prueba versión 1.0" in warning
    assert report.rubric_mismatch_warning(tmp_path / "no_existe.json", loaded) is None


def test_a_checkpoint_writes_what_was_graded_so_far_in_input_order(
    tmp_path: Path, loaded: LoadedRubric, outcomes: list[SubmissionOutcome]
) -> None:
    checkpoint = report.Checkpoint(tmp_path / "out", loaded, every=0.0)
    checkpoint.add(5, outcomes[1])
    checkpoint.add(2, outcomes[0])
    rows = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in rows] == ["graded", "error"]
    quiet = report.Checkpoint(tmp_path / "quiet", loaded, every=3600.0)
    quiet.add(0, outcomes[0])
    assert not (tmp_path / "quiet").exists()


def test_warnings_of_graded_submissions_are_summarised(outcomes: list[SubmissionOutcome]) -> None:
    assert report.render_warnings(outcomes) == ""
    warned = dataclasses.replace(outcomes[0], warnings=("El documento está vacío.", "Otra cosa."))
    text = report.render_warnings([warned] * 3, limit=2)
    assert text.splitlines()[0] == "Avisos en 3 entrega(s) calificada(s) (detalle en results.json):"
    assert "El documento está vacío. (+1 más)" in text and text.endswith("… y 1 más.")
