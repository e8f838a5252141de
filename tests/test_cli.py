"""The `kamgrade` command line: help, exit codes, outputs, --json, zip input, the console script.

Most tests grade with the fake grader of `tests.test_batch` (patched in as the default), so
they test the CLI, not the grading; `test_real_submissions_end_to_end` uses the real one.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import kamgrade.batch
from kamgrade.cli import cli
from kamgrade.errors import ExitCode
from tests.contract import CONTRACT_KEYS
from tests.test_batch import TINY_RUBRIC, fake_grade, make_files, write_rubric

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def fake_grader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kamgrade.batch, "resolve_grade_fn", lambda: fake_grade)


@pytest.fixture
def rubric(tmp_path: Path) -> Path:
    return write_rubric(tmp_path)


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(_all_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("args", _all_commands(cli), ids=lambda a: " ".join(a) or "kamgrade")
def test_every_command_has_help(runner: CliRunner, args: tuple[str, ...]) -> None:
    result = runner.invoke(cli, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage:")
    command: click.Command = cli
    for name in args:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert (command.help or "").strip(), f"{' '.join(args)} has no help text"


def test_version_names_the_rubric_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("kamgrade ") and result.stdout.strip().endswith(
        "(rubric schema 1)"
    )


def test_installed_version_is_the_one_written_in_the_package() -> None:
    # pyproject.toml reads the version from kamgrade/__init__.py (hatch's version source).
    import importlib.metadata

    import kamgrade

    assert importlib.metadata.version("kamgrade") == kamgrade.__version__


def test_grade_help_is_in_spanish(runner: CliRunner) -> None:
    out = runner.invoke(cli, ["grade", "--help"]).stdout
    for text in (
        "Califica las entregas",
        "--time-budget",
        "--max-size",
        "--convert-legacy",
        "--templates",
        "--quiet",
        "--jobs",
    ):
        assert text in out


def test_all_graded_exits_0_and_writes_every_output(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    make_files(
        tmp_path / "in",
        {"Perez_Lopez_Juan_AL01234567.docx": b"ok1", "Ana_Ruiz_AL02934817.docx": b"ok2"},
    )
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["grade", str(tmp_path / "in"), "--rubric", str(rubric), "--out", str(out), "-j", "2"]
    )
    assert result.exit_code == 0, result.output + result.stderr
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [Path(r["file"]).name for r in rows] == [
        "Ana_Ruiz_AL02934817.docx",
        "Perez_Lopez_Juan_AL01234567.docx",
    ]
    assert all(CONTRACT_KEYS <= set(r) for r in rows)
    summary = list(csv.reader(io.StringIO((out / "summary.csv").read_bytes().decode("utf-8-sig"))))
    assert (
        summary[0][:5] == ["archivo", "estudiante", "matricula", "s1", "s2"] and len(summary) == 3
    )
    assert summary[2][1:3] == ["Perez Lopez Juan", "AL01234567"]
    feedback = sorted(p.name for p in (out / "feedback").iterdir())
    assert "Perez_Lopez_Juan_AL01234567.md" in feedback and len(feedback) == 6, feedback
    # The table and where things went, on stdout
    assert "Perez Lopez Juan" in result.stdout and "Total" in result.stdout
    assert str(out / "results.json") in result.stdout and "Retroalimentación" in result.stdout


def test_unreadable_files_exit_1_and_are_listed_with_the_reason(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    make_files(
        tmp_path / "in",
        {"a.docx": b"ok", "roto.docx": b"BAD", "~$a.docx": b"\x03Ana" + b"\0" * 158},
    )
    result = runner.invoke(
        cli,
        ["grade", str(tmp_path / "in"), "--rubric", str(rubric), "--out", str(tmp_path / "out")],
    )
    assert result.exit_code == 1
    assert "No se pudieron calificar 2 archivo(s)" in result.stdout
    assert "roto.docx [not_docx]: no es un documento de Word." in result.stdout
    assert "~$a.docx [lock_file]" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["grade"],  # PATHS is required
        ["grade", "no-existe.docx"],
        ["grade", ".", "--jobs", "0"],
        ["grade", ".", "--time-budget", "-1"],
        ["grade", ".", "--no-such-option"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    assert runner.invoke(cli, args).exit_code == 2


def test_a_bad_rubric_exits_3_and_prints_every_problem(
    runner: CliRunner, tmp_path: Path, fake_grader: None
) -> None:
    bad = TINY_RUBRIC.replace("weight: 40", "weight: cuarenta").replace(
        "points: 1\n        feedback_missing: Identifica",
        "points: -1\n        feedback_missing: Identifica",
    )
    rubric = write_rubric(tmp_path, bad, "mala.kamgrade.yaml")
    (sub,) = make_files(tmp_path / "in", {"a.docx": b"ok"})
    result = runner.invoke(cli, ["grade", str(sub), "--rubric", str(rubric)])
    assert result.exit_code == 3, result.output
    assert "mala.kamgrade.yaml" in result.stderr
    assert "weight" in result.stderr and "points" in result.stderr
    assert result.stdout == ""


def test_a_rubric_that_is_not_yaml_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    rubric = write_rubric(tmp_path, "sections: [\n  - id: s1\n", "rota.kamgrade.yaml")
    (sub,) = make_files(tmp_path / "in", {"a.docx": b"ok"})
    result = runner.invoke(cli, ["grade", str(sub), "--rubric", str(rubric)])
    assert result.exit_code == 3 and "rota.kamgrade.yaml" in result.stderr


def test_json_for_one_file_prints_exactly_one_object(
    runner: CliRunner,
    tmp_path: Path,
    rubric: Path,
    fake_grader: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (sub,) = make_files(tmp_path / "in", {"a.docx": b"ok"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["grade", str(sub), "--rubric", str(rubric), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)  # nothing but JSON on stdout
    assert isinstance(data, dict) and CONTRACT_KEYS <= set(data) and data["status"] == "graded"
    assert not (tmp_path / "kamgrade_resultados").exists()  # --json alone writes no files


def test_json_for_a_folder_prints_a_list_and_errors_go_to_stderr(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    make_files(tmp_path / "in", {"a.docx": b"ok", "b.docx": b"BAD"})
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["grade", str(tmp_path / "in"), "--rubric", str(rubric), "--json", "--out", str(out)]
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [d["status"] for d in data] == ["graded", "error"]
    assert "b.docx [not_docx]" in result.stderr
    assert (out / "results.json").is_file()


def test_an_lms_zip_is_graded_without_writing_outside(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    z = tmp_path / "dl" / "curso-actividad3-123.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Ana López_1234567_assignsubmission_file/KAM.docx", b"ok")
        zf.writestr("Luis Mora_7654321_assignsubmission_file/KAM.docx", b"ok2")
        zf.writestr("../evil.docx", b"evil")
        zf.writestr("../../evil2.docx", b"evil")
    before = z.read_bytes()
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["grade", str(z), "--rubric", str(rubric), "--out", str(out), "--jobs", "2"]
    )
    assert result.exit_code == 1, result.output + result.stderr
    assert z.read_bytes() == before
    assert not (tmp_path / "evil.docx").exists() and not (tmp_path / "dl" / "evil.docx").exists()
    assert not (tmp_path.parent / "evil2.docx").exists()
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))
    students = {r["student"]["name"]: r for r in rows if r["status"] == "graded"}
    assert (
        set(students) == {"Ana López", "Luis Mora"}
        and students["Ana López"]["student"]["id"] == "1234567"
    )
    unsafe = [r for r in rows if r["error"] and r["error"]["code"] == "unsafe"]
    assert len(unsafe) == 2 and "../evil.docx" in result.stdout
    feedback = sorted(p.name for p in (out / "feedback").glob("*.md"))
    assert len(feedback) >= 2 and len(set(feedback)) == len(
        feedback
    )  # two "KAM.docx" do not collide


def test_results_from_another_rubric_version_trigger_a_warning(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    (sub,) = make_files(tmp_path / "in", {"a.docx": b"ok"})
    out = tmp_path / "out"
    assert (
        runner.invoke(
            cli, ["grade", str(sub), "--rubric", str(rubric), "--out", str(out)]
        ).exit_code
        == 0
    )
    again = runner.invoke(cli, ["grade", str(sub), "--rubric", str(rubric), "--out", str(out)])
    assert "otra rúbrica" not in again.stderr
    newer = write_rubric(tmp_path, TINY_RUBRIC.replace('"1.0"', '"2.0"'), "nueva.kamgrade.yaml")
    third = runner.invoke(cli, ["grade", str(sub), "--rubric", str(newer), "--out", str(out)])
    assert third.exit_code == 0
    assert "otra rúbrica" in third.stderr and "prueba versión 1.0" in third.stderr


def test_quiet_prints_no_table(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    (sub,) = make_files(tmp_path / "in", {"a.docx": b"ok"})
    result = runner.invoke(
        cli, ["grade", str(sub), "--rubric", str(rubric), "--out", str(tmp_path / "o"), "-q"]
    )
    assert result.exit_code == 0 and result.stdout == ""


def test_an_empty_folder_is_an_error_not_a_silent_success(
    runner: CliRunner, tmp_path: Path, rubric: Path, fake_grader: None
) -> None:
    (tmp_path / "vacia").mkdir()
    result = runner.invoke(
        cli,
        ["grade", str(tmp_path / "vacia"), "--rubric", str(rubric), "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 1 and "ningún archivo" in result.stderr


def test_real_submissions_end_to_end(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("kamgrade.grading")
    docbuilder = pytest.importorskip("tests.docbuilder")
    fixtures = pytest.importorskip("tests.fixtures")
    badfiles = pytest.importorskip("tests.badfiles")
    from kamgrade.rubric import default_rubric_path

    make_files(
        tmp_path / "in",
        {
            "Lopez_Ruiz_Ana_AL02934817.docx": docbuilder.build_docx(
                fixtures.kam_report_spec("word-styles")
            ).data,
            "Mora_Luis_AL01111111.docx": docbuilder.build_docx(
                fixtures.kam_report_spec("caps-bold")
            ).data,
            "protegido.docx": badfiles.encrypted_docx(),
        },
    )
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        [
            "grade",
            str(tmp_path / "in"),
            "--rubric",
            str(default_rubric_path()),
            "--out",
            str(out),
            "-j",
            "2",
        ],
    )
    assert result.exit_code == 1, result.output + result.stderr
    rows = {
        Path(r["file"]).name: r
        for r in json.loads((out / "results.json").read_text(encoding="utf-8"))
    }
    assert rows["Lopez_Ruiz_Ana_AL02934817.docx"]["status"] == "graded"
    assert [s["id"] for s in rows["Mora_Luis_AL01111111.docx"]["sections"]] == [
        "s1",
        "s2",
        "s3",
        "s4",
    ]
    assert rows["protegido.docx"]["error"]["code"] == "encrypted"
    assert "contraseña" in result.stdout
    assert any(p.suffix == ".docx" for p in (out / "feedback").iterdir())


def test_the_console_script_keeps_exit_codes_and_output_when_it_skips_teardown(
    tmp_path: Path,
) -> None:
    """`kamgrade.cli:main` leaves with os._exit: statuses and piped output must survive it."""
    exe = Path(sys.executable).with_name("kamgrade")
    if not exe.exists():
        pytest.skip("kamgrade console script not installed in this environment")
    help_run = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "grade" in help_run.stdout
    usage = subprocess.run([str(exe), "grade"], capture_output=True, text=True)
    assert usage.returncode == 2 and "PATHS" in usage.stderr
    bad = tmp_path / "notas.docx"
    bad.write_text("esto no es un documento de Word", encoding="utf-8")
    run = subprocess.run(
        [str(exe), "grade", str(bad), "--json"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == int(ExitCode.SOME_UNREADABLE)
    assert json.loads(run.stdout)["error"]["code"] == "not_docx"  # the whole JSON was flushed
    module = subprocess.run(
        [sys.executable, "-m", "kamgrade", "--version"], capture_output=True, text=True
    )
    assert module.returncode == 0 and module.stdout.startswith("kamgrade ")
