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
from click.testing import CliRunner

from kamgrade import batch as batch_mod
from kamgrade.cli import cli
from kamgrade.grading import grade_file
from kamgrade.inputs import Submission
from kamgrade.preread import PreReadFolder, pre_read
from kamgrade.reader import read_submission
from kamgrade.rubric import LoadedRubric
from tests.fixtures import kam_report_spec, missing_section_spec, tiny_spec
from tests.test_batch import TINY_RUBRIC, fake_grade, write_rubric

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


def _class_folder(tmp_path: Path, build: Build, name: str, specs: list[dict[str, Any]]) -> Path:
    """A folder of submissions `alumno_<i>.docx` rendered from `specs`."""
    folder = tmp_path / name
    folder.mkdir()
    for i, spec in enumerate(specs):
        path, _ = build(spec)
        path.rename(folder / f"alumno_{i}.docx")
    return folder


def _no_pre_reader_left(scratch: Path) -> bool:
    return not list(scratch.glob("kamgrade-ahead-*")) and not [
        p for p in multiprocessing.active_children() if p.name == "kamgrade-pre-reader"
    ]


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
    specs = [kam_report_spec(), missing_section_spec("s2"), tiny_spec()]
    entregas = _class_folder(tmp_path, build, "entregas", specs)
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
    assert _no_pre_reader_left(scratch), "the read-ahead folder and process are gone"


def test_only_kamgrade_s_own_grader_is_handed_pre_read_documents() -> None:
    assert batch_mod._takes_pre_read(grade_file)
    assert not batch_mod._takes_pre_read(fake_grade)  # a custom grader has no `document=`


def test_ctrl_c_during_start_up_stops_the_pre_reader_and_removes_its_folder(
    tmp_path: Path, build: Build, kam: LoadedRubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    entregas = _class_folder(tmp_path, build, "entregas", [kam_report_spec()] * 3)
    scratch = _scratch_temp_dir(tmp_path, monkeypatch)

    def interrupted_once_something_was_read() -> None:
        assert _wait_for_a_pre_read(scratch), "the pre-reader stored a document"
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_mod, "_warm_up", interrupted_once_something_was_read)
    outcome = batch_mod.grade_batch([entregas], kam, jobs=2)

    assert outcome.interrupted and outcome.exit_code == 130 and outcome.outcomes == ()
    assert _no_pre_reader_left(scratch)
    assert sorted(p.name for p in entregas.iterdir()) == [f"alumno_{i}.docx" for i in range(3)]


def test_collect_reads_ahead_while_the_caller_loads_its_rubric(
    tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kamgrade.rubric import default_rubric_path, load_rubric

    entregas = _class_folder(tmp_path, build, "entregas", [kam_report_spec(), tiny_spec()])
    scratch = _scratch_temp_dir(tmp_path, monkeypatch)
    with batch_mod.collect([entregas]) as found:
        # Nothing of the rubric exists yet, and the first submission is already read.
        assert _wait_for_a_pre_read(scratch), "the pre-reader stored a document"
        loaded = load_rubric(default_rubric_path())
        outcome = found.grade(loaded, jobs=2)

    expected = [grade_file(p, loaded) for p in sorted(entregas.iterdir())]
    assert [o.to_json() for o in outcome.outcomes] == [e.to_json() for e in expected]
    assert _no_pre_reader_left(scratch)


def test_a_pre_reader_over_other_submissions_is_stopped_and_never_used(
    tmp_path: Path, build: Build, kam: LoadedRubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same file names, other documents: a stored document must never stand in for another file.
    complete = _class_folder(tmp_path, build, "completos", [kam_report_spec()] * 2)
    partial = _class_folder(tmp_path, build, "sin_s3", [missing_section_spec("s3")] * 3)
    scratch = _scratch_temp_dir(tmp_path, monkeypatch)
    with batch_mod.collect([complete]) as ahead, batch_mod.collect([partial]) as found:
        assert ahead.pre_reader is not None and _wait_for_a_pre_read(scratch)
        outcome = batch_mod.grade_submissions(
            found.submissions, kam, jobs=2, read_ahead=ahead.pre_reader
        )
        assert not ahead.pre_reader.process.is_alive(), "the mismatched pre-reader is stopped"

    assert [{s.id: s.found for s in o.sections}["s3"] for o in outcome.outcomes] == [False] * 3
    assert _no_pre_reader_left(scratch)


def test_a_custom_grader_gets_no_pre_reader(
    tmp_path: Path, build: Build, kam: LoadedRubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    entregas = _class_folder(tmp_path, build, "entregas", [tiny_spec()] * 3)
    started: list[object] = []
    reading_ahead = batch_mod._reading_ahead

    def recorded(*args: Any) -> Any:
        started.append(args)
        return reading_ahead(*args)

    monkeypatch.setattr(batch_mod, "_reading_ahead", recorded)
    outcome = batch_mod.grade_batch([entregas], kam, jobs=2, grade_fn=fake_grade)
    assert outcome.counts.graded == 3 and started == []
    batch_mod.grade_batch([entregas], kam, jobs=2)
    assert len(started) == 1, "kamgrade's own grader does read ahead"


def test_a_bad_rubric_still_exits_3_and_stops_the_pre_reader(
    tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    entregas = _class_folder(tmp_path, build, "entregas", [kam_report_spec()] * 3)
    before = {p.name: p.read_bytes() for p in entregas.iterdir()}
    rubric = write_rubric(tmp_path, TINY_RUBRIC.replace("weight: 40", "weight: cuarenta"))
    scratch = _scratch_temp_dir(tmp_path, monkeypatch)
    result = CliRunner().invoke(
        cli, ["grade", str(entregas), "--rubric", str(rubric), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 3, result.output
    assert "weight" in result.stderr
    assert _no_pre_reader_left(scratch)
    assert {p.name: p.read_bytes() for p in entregas.iterdir()} == before
