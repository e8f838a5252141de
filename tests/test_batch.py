"""kamgrade.batch: input expansion, ordering, isolation of each submission.

The fake grade functions here (top-level, so a worker can run them) read the first bytes of
the file to decide what to do: grade it, refuse it, crash the worker, hang, or eat memory.
The CLI and resilience tests reuse them.
"""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest

from kamgrade.batch import (
    MB,
    BatchItem,
    Submission,
    expand_inputs,
    grade_batch,
    grade_submissions,
)
from kamgrade.outcome import (
    DocumentStats,
    ElementOutcome,
    SectionOutcome,
    Student,
    SubmissionError,
    SubmissionOutcome,
)
from kamgrade.rubric import LoadedRubric, load_rubric
from tests.outcomes import section_outcome

TINY_RUBRIC = """\
schema_version: 1
id: prueba
title: Rúbrica de prueba
version: "1.0"
sections:
  - id: s1
    title: Cuentas clave
    weight: 40
    min_cuartillas: 1
    elements:
      - id: s1.organizacion
        description: Describe la organización
        points: 1
        feedback_missing: Describe la organización.
        detector: {phrases: ["organizacion"]}
  - id: s2
    title: Propuesta de mejora
    weight: 60
    elements:
      - id: s2.problemas
        description: Identifica problemas
        points: 1
        feedback_missing: Identifica problemas.
        detector: {phrases: ["problema"]}
"""


def write_rubric(
    directory: Path, text: str = TINY_RUBRIC, name: str = "prueba.kamgrade.yaml"
) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rubric_file(tmp_path: Path) -> Path:
    return write_rubric(tmp_path)


@pytest.fixture
def loaded(rubric_file: Path) -> LoadedRubric:
    return load_rubric(rubric_file)


# ----------------------------------------------------------------------------- fake graders


def _section(sec: object, score: float) -> SectionOutcome:
    return section_outcome(
        id=sec.id,  # type: ignore[attr-defined]
        title=sec.title,  # type: ignore[attr-defined]
        heading=sec.title,  # type: ignore[attr-defined]
        confidence=1.0,
        heading_reason="prueba",
        characters=1800,
        min_cuartillas=float(sec.min_cuartillas),  # type: ignore[attr-defined]
        content_score=score,
        score=score,
        weight=float(sec.weight),  # type: ignore[attr-defined]
        elements=tuple(
            ElementOutcome(
                e.id, e.description, True, e.points, e.points, ("evidencia",), "bien", ""
            )
            for e in sec.elements  # type: ignore[attr-defined]
        ),
    )


def fake_grade(
    path: Path, loaded: LoadedRubric, *, convert_legacy: bool = False, limits: object = None
) -> SubmissionOutcome:
    """Grade by the file's first bytes: BAD refuses, CRASH/HANG/HOG/RAISE misbehave, else grades."""
    from kamgrade.rubric import rubric_ref

    head = Path(path).read_bytes()[:16]
    if head.startswith(b"CRASH"):
        os._exit(7)
    if head.startswith(b"HANG"):
        time.sleep(600)
    if head.startswith(b"HOG"):
        hog = bytearray(64 * 1024 * MB)  # 64 GB: always past RLIMIT_AS
        hog[0] = 1
    if head.startswith(b"GROW"):
        chunks = []
        while True:  # grows until the worker's memory cap stops it
            chunks.append(bytearray(64 * MB))
    if head.startswith(b"RAISE"):
        raise RuntimeError("fallo simulado")
    if head.startswith(b"BAD"):
        return SubmissionOutcome(
            file=str(path),
            student=Student(None, None),
            status="error",
            rubric=rubric_ref(loaded),
            error=SubmissionError("not_docx", "no es un documento de Word."),
        )
    score = float(sum(head) % 101)
    sections = tuple(_section(s, score) for s in loaded.rubric.sections)
    return SubmissionOutcome(
        file=str(path),
        student=Student(None, None),
        status="graded",
        rubric=rubric_ref(loaded),
        total=score,
        document=DocumentStats(600, 10, 0, 0),
        sections=sections,
    )


def make_files(directory: Path, contents: dict[str, bytes]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in contents.items():
        p = directory / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        out.append(p)
    return out


# ----------------------------------------------------------------------------- expansion


def test_folders_are_walked_recursively_sorted_and_hidden_files_skipped(tmp_path: Path) -> None:
    make_files(
        tmp_path / "in",
        {
            "b.docx": b"ok",
            "a/c.docx": b"ok",
            ".oculto.docx": b"ok",
            ".git/x.docx": b"ok",
            "~$bloqueo.docx": b"x" * 162,
            "notas.pdf": b"%PDF",
        },
    )
    subs = expand_inputs([tmp_path / "in"], tmp_path / "work")
    names = [Path(s.display).relative_to(tmp_path / "in").as_posix() for s in subs]
    assert names == ["a/c.docx", "b.docx", "notas.pdf", "~$bloqueo.docx"]


def test_the_same_file_given_twice_is_graded_once(tmp_path: Path) -> None:
    (f,) = make_files(tmp_path, {"a.docx": b"ok"})
    assert len(expand_inputs([f, tmp_path, f], tmp_path / "work")) == 1


def test_zip_members_are_extracted_to_the_work_dir_and_never_outside(tmp_path: Path) -> None:
    z = tmp_path / "entregas.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Ana López_1234567_assignsubmission_file/KAM.docx", b"ok")
        zf.writestr("../evil.docx", b"evil")
        zf.writestr("/abs/evil2.docx", b"evil")
        zf.writestr("__MACOSX/._KAM.docx", b"junk")
    before = z.read_bytes()
    work = tmp_path / "work"
    subs = expand_inputs([z], work)
    assert z.read_bytes() == before  # the original is never modified
    assert not (tmp_path / "evil.docx").exists() and not Path("/abs/evil2.docx").exists()
    by_name = {s.display.split("entregas.zip/", 1)[1]: s for s in subs}
    assert set(by_name) == {
        "Ana López_1234567_assignsubmission_file/KAM.docx",
        "../evil.docx",
        "/abs/evil2.docx",
    }
    ok = by_name["Ana López_1234567_assignsubmission_file/KAM.docx"]
    assert ok.error is None and ok.path.read_bytes() == b"ok" and work in ok.path.parents
    assert (
        by_name["../evil.docx"].error is not None and by_name["../evil.docx"].error.code == "unsafe"
    )
    assert by_name["/abs/evil2.docx"].error.code == "unsafe"  # type: ignore[union-attr]


def test_a_corrupt_zip_becomes_one_error_row(tmp_path: Path) -> None:
    z = tmp_path / "entregas.zip"
    z.write_bytes(b"PK\x03\x04 truncated")
    (sub,) = expand_inputs([z], tmp_path / "work")
    assert sub.error is not None and sub.error.code == "corrupt"


def test_an_oversized_zip_member_is_not_extracted(tmp_path: Path) -> None:
    z = tmp_path / "entregas.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("grande.docx", b"\0" * (3 * MB))
    (sub,) = expand_inputs([z], tmp_path / "work", max_member_bytes=1 * MB)
    assert sub.error is not None and sub.error.code == "too_large"
    assert not any(p.is_file() for p in (tmp_path / "work").rglob("*"))


# ----------------------------------------------------------------------------- grading


def test_outcomes_come_back_in_input_order_with_display_names(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {f"alumno_{i:02d}.docx": f"ok{i}".encode() for i in range(12)})
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade)
    assert [Path(o.file).name for o in batch.outcomes] == [
        f"alumno_{i:02d}.docx" for i in range(12)
    ]
    assert batch.exit_code == 0 and batch.counts.graded == 12 and not batch.interrupted


def test_a_refused_file_makes_exit_code_1_and_is_counted(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {"a.docx": b"ok", "b.docx": b"BAD"})
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade)
    assert batch.exit_code == 1
    assert batch.counts.by_code == {"not_docx": 1}
    assert [o.status for o in batch.outcomes] == ["graded", "error"]


def test_lock_files_are_reported_not_skipped(tmp_path: Path, loaded: LoadedRubric) -> None:
    make_files(tmp_path / "in", {"~$porte.docx": b"\x05Ana" + b"\0" * 158, "reporte.docx": b"ok"})
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade)
    lock = next(o for o in batch.outcomes if "~$" in o.file)
    assert lock.status == "error" and lock.error is not None and lock.error.code == "lock_file"
    assert "bloqueo" in lock.error.message


def test_an_exception_in_the_grade_function_is_an_internal_error_row(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {"a.docx": b"RAISE", "b.docx": b"ok"})
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade)
    assert batch.outcomes[0].error is not None and batch.outcomes[0].error.code == "internal"
    assert "fallo simulado" in batch.outcomes[0].error.message
    assert batch.outcomes[1].graded


def test_students_come_from_lms_names_when_the_grader_found_none(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {"Perez_Lopez_Juan_AL01234567.docx": b"ok"})
    (o,) = grade_batch([tmp_path / "in"], loaded, grade_fn=fake_grade).outcomes
    assert (o.student.name, o.student.id) == ("Perez Lopez Juan", "AL01234567")


def test_a_single_file_is_graded_in_process_with_a_time_budget(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    (f,) = make_files(tmp_path, {"lento.docx": b"HANG"})
    t0 = time.monotonic()
    batch = grade_batch([f], loaded, grade_fn=fake_grade, time_budget=0.5)
    assert time.monotonic() - t0 < 5
    (o,) = batch.outcomes
    assert o.error is not None and o.error.code == "timeout" and "--time-budget" in o.error.message


def test_on_start_and_on_result_stream_every_submission(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {f"{i}.docx": b"ok" for i in range(5)})
    started: list[int] = []
    seen: list[BatchItem] = []
    grade_batch(
        [tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade,
        on_start=lambda subs: started.append(len(subs)), on_result=seen.append,
    )  # fmt: skip
    assert started == [5] and sorted(i.index for i in seen) == [0, 1, 2, 3, 4]


def test_submissions_refused_before_grading_keep_their_reason(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    sub = Submission(
        tmp_path / "x.zip", "x.zip/../evil.docx", SubmissionError("unsafe", "ruta insegura")
    )
    (o,) = grade_submissions([sub], loaded, grade_fn=fake_grade).outcomes
    assert (o.file, o.error.code, o.error.message) == (
        "x.zip/../evil.docx",
        "unsafe",
        "ruta insegura",
    )  # type: ignore[union-attr]


def test_workers_also_run_under_the_spawn_start_method(
    tmp_path: Path, loaded: LoadedRubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kamgrade.batch

    monkeypatch.setattr(kamgrade.batch, "START_METHOD", "spawn")
    make_files(tmp_path / "in", {"a.docx": b"ok", "b.docx": b"CRASH", "c.docx": b"BAD"})
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade)
    codes = [o.error.code if o.error else None for o in batch.outcomes]
    assert codes == [None, "worker_crashed", "not_docx"]


def grade_reporting_gc_thresholds(
    path: Path, loaded: LoadedRubric, *, convert_legacy: bool = False, limits: object = None
) -> SubmissionOutcome:
    """fake_grade, with the collector thresholds of the grading process as the student's name."""
    import dataclasses
    import gc

    outcome = fake_grade(path, loaded, convert_legacy=convert_legacy, limits=limits)
    return dataclasses.replace(outcome, student=Student(str(gc.get_threshold()), "A0"))


def test_workers_collect_garbage_less_often_and_the_caller_keeps_its_settings(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    import gc

    from kamgrade import GC_THRESHOLDS

    before = gc.get_threshold()
    files = make_files(tmp_path / "in", {"a.docx": b"ok", "b.docx": b"ok2", "c.docx": b"ok3"})
    batch = grade_batch(files, loaded, jobs=2, grade_fn=grade_reporting_gc_thresholds)
    assert {o.student.name for o in batch.outcomes} == {str(GC_THRESHOLDS)}
    assert gc.get_threshold() == before
    single = grade_batch(files[:1], loaded, grade_fn=grade_reporting_gc_thresholds)
    assert single.outcomes[0].student.name == str(GC_THRESHOLDS)  # graded in process
    assert gc.get_threshold() == before


def test_keyboard_interrupt_returns_what_was_graded_with_exit_130(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {f"{i:02d}.docx": b"ok" for i in range(6)})
    seen = 0

    def interrupt_after_three(item: BatchItem) -> None:
        nonlocal seen
        seen += 1
        if seen == 3:
            raise KeyboardInterrupt

    batch = grade_batch(
        [tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade, on_result=interrupt_after_three
    )
    assert batch.interrupted and batch.exit_code == 130
    assert len(batch.outcomes) == 3 and batch.submissions == 6


class _LegacyNameInfo(zipfile.ZipInfo):
    """Writes the name bytes as given, without the UTF-8 flag (like old or Windows zippers)."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def test_zip_member_names_without_the_utf8_flag_keep_their_accents(tmp_path: Path) -> None:
    z = tmp_path / "entregas.zip"
    raw_names = ["López_utf8.docx".encode(), "Núñez_oem.docx".encode("cp850")]
    with zipfile.ZipFile(z, "w") as zf:
        for raw in raw_names:
            zf.writestr(_LegacyNameInfo(raw.decode("cp437")), b"ok")
    names = sorted(Path(s.display).name for s in expand_inputs([z], tmp_path / "work"))
    assert names == ["López_utf8.docx", "Núñez_oem.docx"]
