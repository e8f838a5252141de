"""Check stage: each detector primitive and combinator, negation, evidence."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from kamgrade.checks.detectors import (
    Scope,
    _phrases_by_sentence,
    build_index,
    compile_phrase,
    evaluate,
    is_negated,
    negated_sentences,
)
from kamgrade.model import Cell, Figure, FigureKind, Paragraph, Table
from kamgrade.nlp import analyse
from kamgrade.numbers import find_numbers
from kamgrade.rubric.model import DEFAULT_NEGATIONS, Detector


def scope(
    *paragraphs: str, blocks: tuple = (), others: dict[str, list[str]] | None = None
) -> Scope:
    sentences = tuple(analyse(list(paragraphs)))
    negated = frozenset(i for i, s in enumerate(sentences) if is_negated(s, DEFAULT_NEGATIONS))
    return Scope(
        sentences=sentences,
        blocks=blocks or tuple(Paragraph(text=p) for p in paragraphs),
        others={k: tuple(analyse(v)) for k, v in (others or {}).items()},
        negations=tuple(DEFAULT_NEGATIONS),
        negated=negated,
    )


def det(data: dict[str, Any]) -> Detector:
    return Detector.model_validate(data)


def test_phrases_match_accent_folded_and_case_insensitive():
    m = evaluate(
        det({"phrases": ["zona geográfica"]}), scope("El equipo se organiza por ZONA GEOGRAFICA.")
    )
    assert m.fired and m.sentences == {0}


def test_phrases_match_lemmas_so_plural_and_verb_forms_count():
    s = scope("Entrevisté a los vendedores de la empresa.")
    assert evaluate(det({"phrases": ["entrevistar"]}), s).fired
    assert evaluate(det({"phrases": ["vendedor de la empresa"]}), s).fired
    assert evaluate(det({"lemmas": ["vendedor"]}), s).fired


def test_phrase_wildcard_matches_word_prefixes():
    assert evaluate(det({"phrases": ["geograf*"]}), scope("Se divide geográficamente.")).fired
    assert not evaluate(det({"phrases": ["geograf*"]}), scope("Se divide por producto.")).fired


def test_a_mention_that_denies_the_data_is_not_presence():
    s = scope("No fue posible obtener el organigrama de la empresa.")
    assert not evaluate(det({"phrases": ["organigrama"]}), s).fired
    assert evaluate(det({"phrases": ["organigrama"], "allow_negated": True}), s).fired
    assert "niegan" in evaluate(det({"phrases": ["organigrama"]}), s).reason


@pytest.mark.parametrize(
    ("text", "kind", "fires"),
    [
        ("El departamento tiene 12 vendedores.", "count", True),
        ("El departamento tiene cinco vendedores.", "count", True),
        ("Tiene varios vendedores.", "count", False),
        ("Representa el 35 % de las ventas.", "percent", True),
        ("Representa el treinta por ciento de las ventas.", "percent", True),
        ("Representa un porcentaje importante de las ventas.", "percent", False),
    ],
)
def test_number_near_reads_digits_and_spanish_number_words(text, kind, fires):
    words = ["vendedores"] if kind == "count" else ["ventas"]
    d = det({"number_near": {"words": words, "kind": kind, "window": 5}})
    assert evaluate(d, scope(text)).fired is fires


def test_a_number_counting_people_is_not_a_count_of_accounts():
    d = det({"number_near": {"words": ["cuentas"], "kind": "count", "window": 5}})
    assert not evaluate(d, scope("Entrevisté a dos ejecutivos de cuenta clave.")).fired
    assert evaluate(d, scope("Laura atiende 8 cuentas clave.")).fired


def test_years_kind_needs_years():
    d = det({"number_near": {"words": ["cliente"], "kind": "years", "window": 6}})
    assert evaluate(d, scope("Lleva 6 años atendiendo a ese cliente.")).fired
    assert not evaluate(d, scope("Atiende a 6 clientes.")).fired


def test_people_counts_distinct_named_interviewees():
    d = det({"people": {"context": ["entrevistar", "vendedor"], "at_least": 2}})
    two = scope(
        "Entrevisté a Karla Ríos, vendedora de autoservicio.",
        "Después entrevisté a Jorge Medina, vendedor de mayoreo.",
    )
    one = scope("Entrevisté a un vendedor de la empresa.")
    assert evaluate(d, two).fired
    assert not evaluate(d, one).fired
    assert evaluate(
        d, scope("El primer vendedor atiende autoservicios y el segundo vendedor atiende mayoreo.")
    ).fired


def test_combinators_all_any_not_near():
    s = scope(
        "La empresa vende lácteos.",
        "Tiene 12 vendedores.",
        "Texto sin relación.",
        "Otra frase.",
        "El 30 % de las ventas.",
    )
    has_seller = {"lemmas": ["vendedor"]}
    has_pct = {"number_near": {"words": ["ventas"], "kind": "percent"}}
    assert evaluate(det({"all": [has_seller, has_pct]}), s).fired
    assert evaluate(det({"any": [has_seller, {"lemmas": ["inexistente"]}]}), s).fired
    assert evaluate(det({"not": {"lemmas": ["inexistente"]}}), s).fired
    assert not evaluate(det({"near": [has_seller, has_pct], "window": 1}), s).fired
    assert evaluate(det({"near": [has_seller, has_pct], "window": 3}), s).fired


def test_min_matches_requires_distinct_sentences():
    s = scope("Visita semanal a cada cliente.", "Texto.")
    assert not evaluate(det({"lemmas": ["visita", "llamada"], "min_matches": 2}), s).fired
    s2 = scope("Visita semanal a cada cliente.", "Una llamada cada lunes.")
    assert evaluate(det({"lemmas": ["visita", "llamada"], "min_matches": 2}), s2).fired


def test_regex_runs_on_folded_text():
    assert evaluate(
        det({"regex": r"\bdireccion comercial\b"}), scope("Depende de la Dirección Comercial.")
    ).fired


def test_figure_needs_its_kind_and_context():
    blocks = (
        Paragraph(text="A continuación el organigrama general de la empresa."),
        Figure(kind=FigureKind.IMAGE, description="Organigrama"),
    )
    s = Scope(
        sentences=tuple(analyse([blocks[0].text])),
        blocks=blocks,
        negations=tuple(DEFAULT_NEGATIONS),
    )
    assert evaluate(det({"figure": {"kinds": ["image"], "context": ["organigrama"]}}), s).fired
    assert not evaluate(det({"figure": {"kinds": ["table"], "context": ["organigrama"]}}), s).fired


def test_figure_as_indented_list_or_table_counts():
    items = [
        Paragraph(text=t, list_level=lvl)
        for lvl, t in [(0, "Dirección General"), (1, "Dirección Comercial"), (2, "Gerencia KAM")]
    ]
    s = Scope(sentences=(), blocks=tuple(items), negations=())
    assert evaluate(det({"figure": {"kinds": ["list"], "context": ["direccion general"]}}), s).fired
    cell = lambda t: Cell(paragraphs=(Paragraph(text=t),))  # noqa: E731
    table = Table(
        rows=(
            (cell("Dirección General"), cell("1")),
            (cell("Ventas"), cell("40")),
            (cell("KAM"), cell("9")),
        )
    )
    s = Scope(sentences=(), blocks=(table,), negations=())
    assert evaluate(
        det({"figure": {"kinds": ["table"], "context": ["direccion general"]}}), s
    ).fired


def test_figure_in_a_referenced_annex_counts():
    s = Scope(
        sentences=tuple(analyse(["El organigrama completo está en el Anexo 1."])),
        blocks=(Paragraph(text="El organigrama completo está en el Anexo 1."),),
        annex=(Figure(kind=FigureKind.DIAGRAM, description="Organigrama"),),
        negations=(),
    )
    m = evaluate(det({"figure": {"kinds": ["diagram"], "context": ["organigrama"]}}), s)
    assert m.fired and "anexo" in m.notes[0]


def test_shared_terms_find_findings_from_earlier_sections_but_not_the_company_name():
    others = {
        "s1": ["Grupo Lala tiene 12 KAM y el 35 % de las ventas."],
        "s2": ["Grupo Lala: entrevisté a Karla Ríos, que atiende a Walmart."],
    }
    d = det({"shared_terms": {"sections": ["s1", "s2"], "at_least": 3}})
    specific = scope(
        "Como dijo Karla, Walmart concentra ventas; los 12 KAM venden el 35 % del total en Grupo Lala.",
        others=others,
    )
    generic = scope(
        "Grupo Lala debe capacitar a su equipo y mejorar la comunicación.", others=others
    )
    assert evaluate(d, specific).fired
    assert not evaluate(d, generic).fired


@pytest.mark.parametrize(
    ("tokens", "value", "percent"),
    [
        ("el 35 % de", 35, True),
        ("treinta y cinco por ciento", 35, True),
        ("mil doscientos clientes", 1200, False),
        ("1,250 clientes", 1250, False),
        ("12.5 %", 12.5, True),
    ],
)
def test_find_numbers(tokens, value, percent):
    found = find_numbers(tokens.split())
    assert found and found[0].value == value and found[0].percent is percent


def test_an_article_is_not_the_number_one():
    assert find_numbers("un porcentaje importante".split()) == []
    assert find_numbers("un cliente".split())[0].value == 1


# The sentence index only decides which sentences a detector tries: with it, every detector
# must find exactly what the plain sentence-by-sentence scan finds.
_INDEXED_TEXTS = (
    "Por otro lado, los clientes grandes compran por volumen.",  # "por" and "cliente", apart
    "El departamento se organiza por cliente y por zona geográfica.",
    "Trabajamos por clientes clave desde 2019.",
    "La estructura es geográficamente regional, por regiones.",
    "No fue posible obtener el organigrama por cliente.",
    "Cada KAM atiende a 12 clientes; el 35 % de las ventas viene de ellos.",
    "Entrevisté a dos vendedores de la empresa, Karla Méndez y Luis Ortega.",
    "Las e-commerce venden por internet.",
)
_INDEXED_DETECTORS = (
    {"phrases": ["por cliente", "por zona", "zona geografica"]},
    {"phrases": ["por linea de producto", "geografic*", "por region*"]},
    {"phrases": ["organigrama por cliente"]},
    {"phrases": ["por cliente"], "allow_negated": True},
    {"lemmas": ["cliente", "e-commerce", "organigrama"]},
    {"number_near": {"words": ["clientes por kam", "cliente", "cada kam"], "kind": "count"}},
    {"number_near": {"words": ["de las ventas", "venta"], "kind": "percent", "window": 3}},
    {"near": [{"phrases": ["por cliente"]}, {"lemmas": ["vendedor"]}], "window": 2},
    {"people": {"context": ["entrevistar", "vendedor"], "at_least": 2}},
)


@pytest.mark.parametrize("data", _INDEXED_DETECTORS)
def test_the_sentence_index_finds_exactly_what_a_full_scan_finds(data):
    plain = scope(*_INDEXED_TEXTS)
    index = build_index(plain.sentences)
    indexed = dataclasses.replace(
        plain,
        index=index,
        negated=negated_sentences(plain.sentences, index, plain.negations),
    )
    assert indexed.negated == plain.negated
    assert evaluate(det(data), indexed) == evaluate(det(data), plain)


def test_a_phrase_is_tried_only_on_sentences_holding_every_one_of_its_words():
    s = scope(*_INDEXED_TEXTS)
    phrases = {text: compile_phrase(text) for text in ("por cliente", "geografic*")}
    by_sentence = _phrases_by_sentence(build_index(s.sentences), list(phrases.values()))

    def tried(text: str) -> set[int]:
        return {i for i, mine in by_sentence.items() if phrases[text] in mine}

    # Every sentence but the last holds "por"; only those with "cliente" too may match it.
    assert tried("por cliente") == {0, 1, 2, 4}
    assert tried("geografic*") == {1, 3}
