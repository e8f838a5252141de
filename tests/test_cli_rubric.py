"""`kamgrade rubric …`: exit codes, output streams and what each command prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kamgrade import cli_rubric
from kamgrade.cli_rubric import rubric
from kamgrade.outcome import (
    DocumentStats,
    ElementOutcome,
    RubricRef,
    Student,
    SubmissionError,
    SubmissionOutcome,
)
from kamgrade.rubric import validate_rubric_file
from kamgrade.rubric.render import render_try
from kamgrade.rubric.schema import rubric_json_schema
from tests.outcomes import NOT_FOUND, section_outcome

ROOT = Path(__file__).resolve().parents[1]
PREMIOS = ROOT / "rubrics" / "premios_plan.kamgrade.yaml"
BAD = """\
schema_version: 1
id: malo
title: Mala
version: "1"
sections:
  - id: s1
    title: Uno
    weight: 90
    elements:
      - id: s1.a
        description: A
        points: 1
        feedback_missing: Falta A.
        detector: {frases: [a]}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "mala.kamgrade.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(rubric.commands))
def test_every_command_has_spanish_help(runner: CliRunner, name: str) -> None:
    result = runner.invoke(rubric, [name, "--help"])
    assert result.exit_code == 0
    assert rubric.commands[name].help


def test_validate_a_good_rubric_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(rubric, ["validate", str(PREMIOS)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "rúbrica válida" in result.stderr


def test_validate_prints_every_problem_with_its_place_and_exits_3(
    runner: CliRunner, bad: Path
) -> None:
    result = runner.invoke(rubric, ["validate", str(PREMIOS), str(bad)])
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{bad}:5:1: los pesos de las secciones suman 90 y deben sumar 100 (s1 90); "
        "ajusta `weight`",
        f"{bad}:14:20: clave desconocida `frases`. ¿Quisiste decir `phrases`? "
        "(claves válidas aquí: phrases, lemmas, regex, number_near, people, figure, "
        "shared_terms, all, any, not, near, window, min_matches, allow_negated)",
    ]
    assert f"{bad}: 2 problemas" in result.stderr


def test_validate_a_missing_file_exits_3_without_a_traceback(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(rubric, ["validate", str(tmp_path / "no.yaml")])
    assert result.exit_code == 3
    assert "no existe el archivo" in result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_show_prints_sections_weights_minimums_elements_and_levels(runner: CliRunner) -> None:
    result = runner.invoke(rubric, ["show", str(PREMIOS)])
    assert result.exit_code == 0
    out = result.stdout
    assert "Generar un plan de premios" in out
    row = next(line for line in out.splitlines() if line.startswith("s1  "))
    assert row.split()[-5:] == ["15", "0.25", "c.", "3", "4"]  # weight, minimum, elements, points
    assert "Equilibrio de la compensación" in out
    row = next(line for line in out.splitlines() if line.startswith("s3  "))
    assert row.split()[-5:] == ["20", "0.4", "c.", "4", "6"]
    assert next(line for line in out.splitlines() if line.startswith("Total")).split()[1] == "100"
    assert "s2.proporcion" in out and "number_near[percent]" in out
    assert (
        "Niveles: Excelente ≥ 90 · Satisfactorio ≥ 70 · En desarrollo ≥ 50 · Insuficiente ≥ 0"
        in out
    )


def test_show_a_bad_rubric_exits_3_with_problems_on_stderr(runner: CliRunner, bad: Path) -> None:
    result = runner.invoke(rubric, ["show", str(bad)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert f"{bad}:5:1: los pesos" in result.stderr
    assert "La rúbrica tiene 2 problemas" in result.stderr


def test_new_from_flags_writes_a_rubric_that_validates(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "premios.kamgrade.yaml"
    result = runner.invoke(
        rubric,
        [
            "new",
            "--title",
            "Plan de premios",
            "--section",
            "Participantes:20:0.5",
            "--section",
            "Presupuesto del plan::1",
            "--section",
            "Periodo",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert validate_rubric_file(out) == []
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "id: plan_de_premios" in text
    assert [line.strip() for line in text.splitlines() if line.strip().startswith("weight:")] == [
        "weight: 20",
        "weight: 40",
        "weight: 40",
    ]
    assert "min_cuartillas: 0.5" in text
    assert "kamgrade rubric validate" in result.stderr


def test_new_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.yaml"
    out.write_text("x", encoding="utf-8")
    args = ["new", "--title", "T", "--section", "A", "-o", str(out)]
    assert runner.invoke(rubric, args).exit_code == 2
    assert runner.invoke(rubric, [*args, "--force"]).exit_code == 0
    assert validate_rubric_file(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--section", "A:50"], "falta --title"),
        (["--title", "T"], "falta al menos una --section"),
        (
            ["--title", "T", "--section", "A:60", "--section", "B:60", "--section", "C"],
            "no queda peso",
        ),
        (["--title", "T", "--section", "A:60", "--section", "B:60"], "los pesos suman 120"),
        (["--title", "T", "--section", "A:60", "--section", "B:30"], "los pesos suman 90"),
        (["--title", "T", "--section", ":30"], "falta el título"),
    ],
)
def test_new_with_bad_flags_is_a_usage_error(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(rubric, ["new", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_new_asks_for_what_is_missing_on_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli_rubric, "_interactive", lambda: True)
    out = tmp_path / "r.yaml"
    answers = "Plan de premios\npremios\n2\nParticipantes\n30\n0.5\nPresupuesto\n\n1\n"
    result = runner.invoke(rubric, ["new", "-o", str(out)], input=answers)
    assert result.exit_code == 0, result.output
    assert "Título de la actividad" in result.stdout
    assert validate_rubric_file(out) == []
    text = out.read_text(encoding="utf-8")
    assert "id: premios" in text and "weight: 70" in text


def test_schema_prints_the_json_schema(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(rubric, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == rubric_json_schema()
    target = tmp_path / "s.json"
    assert runner.invoke(rubric, ["schema", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")


def _outcome() -> SubmissionOutcome:
    met = ElementOutcome(
        "s1.puestos",
        "Nombra los puestos",
        True,
        2,
        2,
        ("Participan los 14 KAM y la gerente nacional.",),
        "Bien.",
        "1 oración(es) con alguna frase de «kam»",
    )
    missed = ElementOutcome(
        "s1.cuantos",
        "Indica cuántas personas",
        False,
        0,
        1,
        (),
        "Indica cuántas personas participan.",
        "ninguna oración con una cantidad a ≤4 palabras de «kam»",
    )
    found = section_outcome(
        title="Participantes",
        heading="1. Participantes del plan",
        heading_reason="estilo de título; similitud 97/100; número 1",
        words=120,
        characters=700,
        prompt_words=12,
        prompt_characters=60,
        cuartillas=0.48,
        min_cuartillas=0.25,
        content_score=66.7,
        score=66.7,
        weight=15,
        level="En desarrollo",
        level_descriptor="Incompleto.",
        tables=1,
        elements=(met, missed),
        notes=("Elementos: 2 de 3 puntos (67/100).",),
    )
    lost = section_outcome(
        id="s5",
        title="Proporciones",
        **NOT_FOUND,
        heading_reason="Ningún encabezado se parece a «Proporciones».",
        min_cuartillas=0.15,
        weight=10,
        elements=(
            ElementOutcome(
                "s5.porcentajes", "Porcentajes", False, 0, 2, (), "x", "La sección no se encontró."
            ),
        ),
    )
    return SubmissionOutcome(
        file="ana.docx",
        student=Student("Ana López", "AL1"),
        status="graded",
        rubric=RubricRef("premios_plan", "1.0", "ab" * 32, "r.yaml"),
        total=61.5,
        level="En desarrollo",
        document=DocumentStats(300, 20, 1, 0),
        sections=(found, lost),
        warnings=("El documento tiene comentarios.",),
    )


def test_try_rendering_explains_headings_elements_and_evidence() -> None:
    text = render_try(_outcome())
    assert "Rúbrica: premios_plan versión 1.0 (sha256 abababababab)" in text
    assert "Total: 61.5 / 100 · nivel En desarrollo" in text
    assert "Aviso: El documento tiene comentarios." in text
    assert (
        "  Encabezado: «1. Participantes del plan» (confianza 0.97): "
        "estilo de título; similitud 97/100; número 1" in text
    )
    assert "12 palabras copiadas de la consigna no cuentan" in text
    assert (
        "  ✓ cumple s1.puestos (2/2 pt): Nombra los puestos\n"
        "      en: «Participan los 14 KAM y la gerente nacional.»" in text
    )
    assert "      por qué: 1 oración(es) con alguna frase de «kam»" in text
    assert (
        "  ✗ falta  s1.cuantos (0/1 pt): Indica cuántas personas\n      por qué no: ninguna oración"
        in text
    )
    assert "[s5] Proporciones · peso 10 · NO ENCONTRADA → 0" in text
    assert "  Encabezado: ninguno. Ningún encabezado se parece a «Proporciones»." in text


def test_try_rendering_of_an_unreadable_submission_says_why() -> None:
    outcome = SubmissionOutcome(
        file="x.docx",
        student=Student(None, None),
        status="error",
        rubric=RubricRef("premios_plan", "1.0", "0" * 64, "r.yaml"),
        error=SubmissionError("encrypted", "el archivo está protegido con contraseña."),
    )
    assert (
        "No se pudo calificar: el archivo está protegido con contraseña. [encrypted]"
        in render_try(outcome)
    )


def test_try_with_a_bad_rubric_exits_3(runner: CliRunner, bad: Path, tmp_path: Path) -> None:
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"x")
    result = runner.invoke(rubric, ["try", str(bad), str(doc)])
    assert result.exit_code == 3
    assert "ajusta `weight`" in result.stderr


def test_try_explains_a_real_submission_end_to_end(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("kamgrade.grading", reason="kamgrade.grading not written yet")
    docbuilder = pytest.importorskip("tests.docbuilder")
    spec = docbuilder.load_spec(ROOT / "examples" / "premios" / "specs" / "pr01_lala_completo.yaml")
    doc = tmp_path / "pr01.docx"
    doc.write_bytes(docbuilder.build_docx(spec).data)
    result = runner.invoke(rubric, ["try", str(PREMIOS), str(doc)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Encabezado: «1. Participantes»" in out
    assert "✓ cumple s2.proporcion" in out
    assert "en: «Propongo que la compensación de los KAM sea 75 % fija y 25 % variable.»" in out
    as_json = runner.invoke(rubric, ["try", "--json", str(PREMIOS), str(doc)])
    assert json.loads(as_json.stdout)["rubric"]["id"] == "premios_plan"


def test_importing_the_command_group_loads_nothing_heavy() -> None:
    code = (
        "import sys, kamgrade.cli_rubric; "
        "print(sorted(m for m in ('pydantic', 'ruamel', 'rapidfuzz', 'docx', 'spacy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_installed_kamgrade_runs_rubric_validate(tmp_path: Path) -> None:
    bad = tmp_path / "mala.kamgrade.yaml"
    bad.write_text(BAD, encoding="utf-8")
    args = [sys.executable, "-m", "kamgrade", "rubric", "validate"]
    ok = subprocess.run([*args, str(PREMIOS)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    failed = subprocess.run([*args, str(bad)], capture_output=True, text=True)
    assert failed.returncode == 3
    assert "Traceback" not in failed.stderr
    assert f"{bad}:5:1: los pesos" in failed.stdout
