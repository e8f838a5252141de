"""kamgrade.nlp: sentences and lemmas, and the cached trie that serves simplemma's dictionary."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import simplemma

from kamgrade import nlp
from kamgrade.fsutil import CACHE_ENV

REPO = Path(__file__).resolve().parents[2]

# Course vocabulary, inflected and unknown forms, capitals, hyphens, numbers and brand names.
WORDS = [
    "entrevisté", "vendedores", "atienden", "dos", "KAM", "cliente-clave", "xyzzy", "planeación",
    "co-creación", "reunirnos", "dándoles", "Ventas", "McDonald's", "3M", "posventa", "123",
    "años", "hablarle", "Bimbo", "gerentes", "negociaciones", "organigrama", "trimestralmente",
]  # fmt: skip


def _sample_of_the_dictionary(n: int) -> list[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    keys = sorted(_load_dictionary_from_disk("es"))
    return [k.decode() for k in random.Random(7).sample(keys, n)]


def test_trie_lexicon_gives_exactly_simplemmas_lemmas() -> None:
    lemmatize, known = nlp._simplemma()
    sample = _sample_of_the_dictionary(3000)
    words = WORDS + sample + [w.upper() for w in sample[:300]] + [w[:-1] for w in sample[:500]]
    wrong = [
        w
        for w in words
        if lemmatize(w) != simplemma.lemmatize(w, lang="es")
        or known(w) != simplemma.is_known(w, lang="es")
    ]
    assert wrong == []


def test_sentences_carry_folded_lemmas() -> None:
    [sentence] = nlp.analyse(["Entrevisté a dos vendedores de la empresa."])
    assert sentence.lemmas[:4] == ("entrevistar", "a", "dos", "vendedor")
    assert sentence.tokens[0] == "entreviste"


def test_sentences_end_after_the_last_of_their_closing_marks() -> None:
    sentences = nlp.analyse(["¿Cuántos clientes? ¡Doce!! Bien... Fin."], [7])
    assert [s.text for s in sentences] == ["¿Cuántos clientes?", "¡Doce!!", "Bien...", "Fin."]
    assert {s.block for s in sentences} == {7}


def test_the_token_memo_is_bounded_and_forgetting_changes_nothing(monkeypatch: Any) -> None:
    text = ["Entrevisté a dos vendedores de Grupo Lala; atienden 12 cuentas clave cada uno."]
    expected = nlp.analyse(text)
    monkeypatch.setattr(nlp, "_MAX_TOKENS", 4)
    nlp._TOKENS.clear()
    assert nlp.analyse(text) == expected
    assert len(nlp._TOKENS) <= 4


_PROBE = (
    "import json, sys; from kamgrade import nlp; "
    "print(json.dumps([list(s.lemmas) for s in nlp.analyse(sys.argv[1:])]))"
)


def _lemmas_in_fresh_process(cache: Path, *texts: str) -> list[list[str]]:
    env = {**os.environ, CACHE_ENV: str(cache)}
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *texts],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=True,
    )
    return json.loads(run.stdout)


def test_the_trie_is_built_once_atomically_and_reused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _lemmas_in_fresh_process(cache, "Los vendedores atienden a sus clientes.")
    assert first == [["el", "vendedor", "atender", "a", "su", "cliente", "."]]
    [trie] = list(cache.rglob("*.dic"))
    assert [p.name for p in trie.parent.iterdir()] == ["es.dic"]  # no temporary file left
    built = trie.stat().st_mtime_ns
    second = _lemmas_in_fresh_process(cache, "Los vendedores atienden a sus clientes.")
    assert second == first
    assert trie.stat().st_mtime_ns == built


def test_an_unwritable_cache_falls_back_to_simplemmas_own_dictionary(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")  # the cache "folder" is a file: nothing can go in
    lemmas = _lemmas_in_fresh_process(blocker / "cache", "Entrevisté a dos gerentes.")
    assert lemmas == [["entrevistar", "a", "dos", "gerente", "."]]
    assert blocker.read_text(encoding="utf-8") == "x"
