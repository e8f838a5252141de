"""Reading ahead during a batch's start-up (kamgrade.preread): same grades, nothing left behind."""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamgrade import batch as batch_mod
from kamgrade.grading import grade_file
from kamgrade.inputs import Submission
from kamgrade.preread import PreReadFolder, pre_read
from kamgrade.reader import read_submission
from kamgrade.rubric import LoadedRubric
from tests.fixtures import kam_report_spec, missing_section_spec, tiny_spec
from tests.test_batch import fake_grade

Build = Callable[[dict[str, Any]], tuple[Path, dict[str, Any]]]


def test_a_stored_document_loads_back_equal_and_anything_else_means_read_it_again(
    tmp_path: Path, build: Build
) -> None:
    path, _ = build(tiny_spec())
    document = read_submission(path)
    folder = PreReadFolder(tmp_path)
    folder.store(3, document)
    assert folder.load(3) == document
    assert folder.load(4) is None  # not reached
    folder.path_for(5).write_bytes(b"\x80\x05 cortado")
    assert folder.load(5) is None  # damaged
    folder.path_for(6).write_bytes(pickle.dumps({"blocks": []}))
    assert folder.load(6) is None  # not a document model
    assert not list(tmp_path.glob("*.partial"))


def test_the_pre_reader_skips_what_it_cannot_read(tmp_path: Path, build: Build) -> None:
    good, _ = build(tiny_spec())
    pdf = tmp_path / "escaneado.docx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 200)
    cut = tmp_path / "cortado.docx"
    cut.write_bytes(good.read_bytes()[:300])
    folder = PreReadFolder(tmp_path / "ahead")
    folder.folder.mkdir()
    stored = pre_read([(0, pdf), (1, good), (2, cut), (3, good)], folder, None)
    assert stored == 2
    assert sorted(p.name for p in folder.folder.iterdir()) == ["1.pickle", "3.pickle"]


def _complete_and_without_s3(build: Build) -> tuple[Path, Path]:
    """The full report, and the same report without section 3 ("sin_s3.docx")."""
    complete, _ = build(kam_report_spec())
    spec = missing_section_spec("s3")
    spec["file"] = "sin_s3.docx"
    partial, _ = build(spec)
    return complete, partial


def _scratch_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make tempfile create its folders (the pre-reader's among them) under tmp_path/tmp."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def _wait_for_a_pre_read(scratch: Path) -> list[str]:
    """The documents the pre-reader has stored under `scratch`, once there is one (30 s at most)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stored = [p.name for p in scratch.glob("kamgrade-ahead-*/*.pickle")]
        if stored:
            return stored
        time.sleep(0.01)
    return []


def test_a_pre_read_document_is_graded_under_the_file_s_name(
    tmp_path: Path, build: Build, kam: LoadedRubric
) -> None:
    complete, partial = _complete_and_without_s3(build)
    outcome = grade_file(partial, kam, document=read_submission(complete))
    assert outcome.file == str(partial)
    # What was graded is the document given, not the file read again.
    assert outcome == dataclasses.replace(grade_file(complete, kam), file=str(partial))
    assert {s.id: s.found for s in outcome.sections}["s3"]
    assert not {s.id: s.found for s in grade_file(partial, kam).sections}["s3"]


def test_a_worker_takes_the_document_read_ahead_for_its_task(
    tmp_path: Path, build: Build, kam: LoadedRubric
) -> None:
    complete, partial = _complete_and_without_s3(build)
    folder = PreReadFolder(tmp_path / "ahead")
    folder.folder.mkdir()
    folder.store(7, read_submission(complete))
    options = batch_mod._Options(pre_read=folder)
    sub = Submission(partial, "sin_s3.docx")

    def s3_found(index: int) -> bool:
        item = batch_mod._grade_one(grade_file, kam, options, index, sub)
        assert item.outcome.file == "sin_s3.docx"
        return {s.id: s.found for s in item.outcome.sections}["s3"]

    assert s3_found(7)  # task 7 was read ahead: the stored document is graded
    assert not s3_found(8)  # task 8 was not: the worker reads the file itself


def test_a_batch_reads_ahead_during_start_up_and_grades_exactly_as_without(
    tmp_path: Path, build: Build, kam: LoadedRubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    entregas = tmp_path / "entregas"
    entregas.mkdir()
    for i, spec in enumerate([kam_report_spec(), missing_section_spec("s2"), tiny_spec()]):
        path, _ = build(spec)
        path.rename(entregas / f"alumno_{i}.docx")
    (entregas / "alumno_3.docx").write_bytes(b"%PDF-1.4 no es Word")
    scratch = _scratch_temp_dir(tmp_path, monkeypatch)
    seen: list[str] = []
    warm = batch_mod._warm_up

    def warm_once_something_was_read() -> None:
        seen.extend(_wait_for_a_pre_read(scratch))
        warm()

    monkeypatch.setattr(batch_mod, "_warm_up", warm_once_something_was_read)
    outcome = batch_mod.grade_batch([entregas], kam, jobs=2)

    assert seen, "the pre-reader stored a document while the parent warmed up"
    expected = [grade_file(p, kam) for p in sorted(entregas.iterdir())]
    assert [o.to_json() for o in outcome.outcomes] == [e.to_json() for e in expected]
    assert outcome.outcomes[3].error is not None and outcome.outcomes[3].error.code == "pdf"
    assert not list(scratch.glob("kamgrade-ahead-*")), "the read-ahead folder is removed"
    assert not [p for p in multiprocessing.active_children() if p.name == "kamgrade-pre-reader"]


def test_only_kamgrade_s_own_grader_is_handed_pre_read_documents() -> None:
    assert batch_mod._takes_pre_read(grade_file)
    assert not batch_mod._takes_pre_read(fake_grade)  # a custom grader has no `document=`


def test_ctrl_c_during_start_up_stops_the_pre_reader_and_removes_its_folder(
    tmp_path: Path, build: Build, kam: LoadedRubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    entregas = tmp_path / "entregas"
    entregas.mkdir()
    for i in range(3):
        path, _ = build(kam_report_spec())
        path.rename(entregas / f"alumno_{i}.docx")
    scratch = _scratch_temp_dir(tmp_path, monkeypatch)

    def interrupted_once_something_was_read() -> None:
        assert _wait_for_a_pre_read(scratch), "the pre-reader stored a document"
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_mod, "_warm_up", interrupted_once_something_was_read)
    outcome = batch_mod.grade_batch([entregas], kam, jobs=2)

    assert outcome.interrupted and outcome.exit_code == 130 and outcome.outcomes == ()
    assert not list(scratch.glob("kamgrade-ahead-*"))
    assert not [p for p in multiprocessing.active_children() if p.name == "kamgrade-pre-reader"]
    assert sorted(p.name for p in entregas.iterdir()) == [f"alumno_{i}.docx" for i in range(3)]
