"""Loading a rubric reports every problem at once, as file:line:col with Spanish text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kamgrade.errors import ExitCode, RubricError
from kamgrade.rubric import load_rubric, load_rubric_text, rubric_ref, validate_rubric_file
from kamgrade.rubric.model import Rubric

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
schema_version: 1
id: mini
title: Mini
version: "1.0"
sections:
  - id: s1
    title: Participantes
    weight: 40
    elements:
      - id: s1.quienes
        description: Quiénes participan
        points: 1
        feedback_missing: Di quiénes participan.
        detector:
          phrases: [participantes]
  - id: s2
    title: Presupuesto
    weight: 60
    elements:
      - id: s2.monto
        description: Monto
        points: 1
        feedback_missing: Da el monto.
        detector:
          number_near: {words: [presupuesto], kind: any}
"""


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "r.kamgrade.yaml"
    path.write_text(text, encoding="utf-8")
    return [p.render().replace(str(path), "r") for p in validate_rubric_file(path)]


def test_a_valid_rubric_has_no_problems(tmp_path: Path) -> None:
    assert problems_of(tmp_path, GOOD) == []


def test_load_returns_the_rubric_its_path_and_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(GOOD, encoding="utf-8")
    loaded = load_rubric(path)
    assert loaded.rubric.sections[1].weight == 60
    assert loaded.sha256 == hashlib.sha256(GOOD.encode()).hexdigest()
    ref = rubric_ref(loaded)
    assert (ref.id, ref.version, ref.sha256, ref.path) == ("mini", "1.0", loaded.sha256, str(path))


def test_a_weight_that_is_not_a_number_points_at_the_value(tmp_path: Path) -> None:
    text = GOOD.replace("weight: 40", "weight: veinte")
    assert problems_of(tmp_path, text) == [
        "r:8:13: `weight` debe ser un número (por ejemplo `20`), no `veinte`"
    ]


def test_weights_that_do_not_sum_to_100_show_the_sum(tmp_path: Path) -> None:
    text = GOOD.replace("weight: 40", "weight: 30")
    assert problems_of(tmp_path, text) == [
        "r:5:1: los pesos de las secciones suman 90 y deben sumar 100 (s1 30 + s2 60); "
        "ajusta `weight`"
    ]


def test_duplicate_section_id_points_at_the_second_one(tmp_path: Path) -> None:
    text = GOOD.replace("  - id: s2\n", "  - id: s1\n").replace("id: s2.monto", "id: s1.monto")
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith("r:16:9: id de sección `s1` repetido")


def test_duplicate_element_id_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("id: s2.monto", "id: s1.quienes").replace("  - id: s2\n", "  - id: s1\n")
    problems = problems_of(tmp_path, text)
    assert (
        "r:20:13: id de elemento `s1.quienes` repetido: cada elemento necesita un id distinto"
        in problems
    )


def test_element_id_must_start_with_its_section_id(tmp_path: Path) -> None:
    text = GOOD.replace("id: s2.monto", "id: s1.monto")
    assert problems_of(tmp_path, text) == [
        "r:20:13: el elemento `s1.monto` está en la sección `s2`: "
        "su id debe empezar por `s2.` (por ejemplo `s2.monto`)"
    ]


@pytest.mark.parametrize("typo", ["phrase", "frases", "Phrases", "phrasess"])
def test_a_misspelt_detector_key_suggests_the_closest_valid_key(tmp_path: Path, typo: str) -> None:
    text = GOOD.replace("phrases: [participantes]", f"{typo}: [participantes]")
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith(f"r:15:11: clave desconocida `{typo}`. ¿Quisiste decir `phrases`?")
    assert "claves válidas aquí: phrases, lemmas, regex" in problem


def test_a_misspelt_section_key_suggests_from_the_section_keys(tmp_path: Path) -> None:
    text = GOOD.replace("    weight: 60", "    wieght: 60")
    (problem,) = problems_of(tmp_path, text)  # not also "falta `weight`"
    assert problem.startswith("r:18:5: clave desconocida `wieght`. ¿Quisiste decir `weight`?")


def test_a_regex_that_does_not_compile_shows_the_re_error(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [participantes]", 'regex: "(particip"')
    assert problems_of(tmp_path, text) == [
        "r:15:18: la expresión regular no compila: missing ), unterminated subpattern (posición 1)"
    ]


def test_missing_feedback_text_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("        feedback_missing: Da el monto.\n", "")
    assert problems_of(tmp_path, text) == [
        "r:20:9: falta `feedback_missing`: "
        "el texto que leerá el estudiante cuando falte este elemento"
    ]


@pytest.mark.parametrize("value", ['""', '"   "'])
def test_empty_or_blank_feedback_text_is_reported(tmp_path: Path, value: str) -> None:
    text = GOOD.replace("feedback_missing: Da el monto.", f"feedback_missing: {value}")
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith("r:23:27: `feedback_missing`")


def test_a_section_without_elements_is_an_empty_section(tmp_path: Path) -> None:
    text = GOOD.split("    elements:\n      - id: s2.monto")[0] + "    elements: []\n"
    assert problems_of(tmp_path, text) == [
        "r:19:15: la sección está vacía: `elements` necesita al menos un elemento"
    ]


def test_shared_terms_naming_an_unknown_section_suggests_one(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [participantes]", "shared_terms: {sections: [s02]}")
    assert problems_of(tmp_path, text) == [
        "r:15:37: `shared_terms` nombra la sección `s02`, que no existe (secciones: s1, s2). "
        "¿Quisiste decir `s2`?"
    ]


def test_shared_terms_inside_a_combinator_is_checked_too(tmp_path: Path) -> None:
    text = GOOD.replace(
        "phrases: [participantes]",
        "all:\n            - phrases: [a]\n            - shared_terms: {sections: [s1]}",
    )
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith("r:17:41: `shared_terms` compara con otras secciones: quita `s1`")


def test_level_bands_need_distinct_scores_and_a_zero_floor(tmp_path: Path) -> None:
    text = GOOD.replace(
        "sections:\n",
        "levels:\n"
        "  - {name: Excelente, min_score: 90, descriptor: Muy bien}\n"
        "  - {name: Bien, min_score: 90, descriptor: Bien}\n"
        "sections:\n",
        1,
    )
    problems = problems_of(tmp_path, text)
    assert problems[0].startswith("r:5:1: ningún nivel tiene `min_score: 0`")
    assert problems[1].startswith("r:7:29: dos niveles empiezan en 90")


def test_a_level_score_above_100_is_out_of_band(tmp_path: Path) -> None:
    text = GOOD.replace(
        "sections:\n",
        "levels:\n  - {name: Excelente, min_score: 120, descriptor: Muy bien}\nsections:\n",
        1,
    )
    problems = problems_of(tmp_path, text)
    assert "r:6:34: `min_score` debe ser como máximo 100, no `120`" in problems


def test_every_problem_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    text = (
        GOOD.replace("weight: 40", "weight: veinte")
        .replace("phrases: [participantes]", "frases: [participantes]")
        .replace("feedback_missing: Da el monto.", 'feedback_missing: ""')
        .replace('version: "1.0"', "version: 1.0")
    )
    problems = problems_of(tmp_path, text)
    assert [p.split(":")[1] for p in problems] == ["4", "8", "15", "23"]


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [participantes]", "phrases: [participantes")
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith("r:16:")
    assert "YAML no válido" in problem


def test_duplicate_yaml_key_is_reported_with_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("title: Mini\n", "title: Mini\ntitle: Otra\n")
    assert problems_of(tmp_path, text) == [
        "r:4:1: la clave `title` está repetida en el mismo mapeo (el mapeo empieza en la línea 1)"
    ]


def test_a_tab_used_for_indentation_is_explained(tmp_path: Path) -> None:
    text = GOOD.replace("    weight: 40", "\tweight: 40")
    (problem,) = problems_of(tmp_path, text)
    assert "tabulador" in problem


def test_si_and_no_stay_text_under_yaml_1_2(tmp_path: Path) -> None:
    text = GOOD.replace("phrases: [participantes]", "phrases: [sí, no, yes, on, off]").replace(
        "title: Presupuesto", "title: no"
    )
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    rubric = load_rubric(path).rubric
    assert rubric.sections[0].elements[0].detector.phrases == ["sí", "no", "yes", "on", "off"]
    assert rubric.sections[1].title == "no"


def test_a_version_written_as_a_number_asks_for_quotes(tmp_path: Path) -> None:
    text = GOOD.replace('version: "1.0"', "version: 1.0")
    assert problems_of(tmp_path, text) == [
        'r:4:10: `version` debe ser un texto, no `1.0`; escríbelo entre comillas: `version: "1.0"`'
    ]


def test_a_newer_schema_version_says_to_upgrade_kamgrade(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, GOOD.replace("schema_version: 1", "schema_version: 2"))
    assert problem.startswith("r:1:17: esta rúbrica usa `schema_version: 2`, más nueva")
    assert "pip install -U kamgrade" in problem


def test_a_missing_schema_version_is_named(tmp_path: Path) -> None:
    assert problems_of(tmp_path, GOOD.replace("schema_version: 1\n", "")) == [
        "r:1:1: falta `schema_version: 1` (la versión del formato de rúbrica)"
    ]


def test_an_unknown_enum_value_suggests_the_english_name(tmp_path: Path) -> None:
    text = GOOD.replace("sections:\n", "cuartilla: {unit: palabras}\nsections:\n", 1)
    assert problems_of(tmp_path, text) == [
        "r:5:19: `unit` no admite `palabras`: usa `words` o `characters`. ¿Quisiste decir `words`?"
    ]


def test_a_detector_with_two_primitives_says_it_needs_exactly_one(tmp_path: Path) -> None:
    text = GOOD.replace(
        "phrases: [participantes]", "phrases: [participantes]\n          lemmas: [participar]"
    )
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith("r:14:9: un detector lleva exactamente una de estas claves")
    assert "(tiene: phrases, lemmas)" in problem


def test_an_empty_file_and_a_list_are_not_rubrics(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "") == [
        "r:1:1: el archivo está vacío: una rúbrica empieza con `schema_version: 1`"
    ]
    assert problems_of(tmp_path, "- a\n- b\n")[0].startswith("r:1:1: una rúbrica es un mapeo")


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (problem,) = validate_rubric_file(tmp_path / "nope.yaml")
    assert problem.message == "no existe el archivo; revisa la ruta"
    with pytest.raises(RubricError) as info:
        load_rubric(tmp_path / "nope.yaml")
    assert info.value.exit_code == ExitCode.BAD_RUBRIC


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(GOOD.replace("Quiénes", "Qui\xe9nes").encode("latin-1"))
    (problem,) = validate_rubric_file(path)
    assert problem.line == 11
    assert "UTF-8" in problem.message


def test_load_rubric_text_raises_with_every_problem() -> None:
    with pytest.raises(RubricError) as info:
        load_rubric_text(GOOD.replace("weight: 40", "weight: 30").replace("frases", "x"), "texto")
    assert info.value.render().startswith("texto:5:1: los pesos")


def test_the_model_enforces_the_same_rules_when_built_from_python() -> None:
    data = load_rubric_text(GOOD).model_dump(by_alias=True)
    data["sections"][0]["weight"] = 30
    with pytest.raises(ValidationError, match="suman 90"):
        Rubric.model_validate(data)


def test_the_shipped_rubrics_are_valid() -> None:
    for path in sorted((ROOT / "rubrics").glob("*.kamgrade.yaml")):
        assert validate_rubric_file(path) == [], path


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_problems_never_an_exception(text: str) -> None:
    try:
        load_rubric_text(text)
    except RubricError as e:
        assert e.problems
        assert all(p.message for p in e.problems)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=6))
def test_weights_are_accepted_exactly_when_they_sum_to_100(weights: list[int]) -> None:
    sections = "".join(
        f"  - id: s{i}\n    title: Sección {i}\n    weight: {w}\n    elements:\n"
        f"      - {{id: s{i}.a, description: d, points: 1, feedback_missing: f, "
        "detector: {phrases: [x]}}\n"
        for i, w in enumerate(weights)
    )
    text = 'schema_version: 1\nid: w\ntitle: W\nversion: "1"\nsections:\n' + sections
    try:
        load_rubric_text(text)
        ok = True
    except RubricError as e:
        ok = False
        assert "deben sumar 100" in e.problems[0].message
    assert ok == (sum(weights) == 100)
