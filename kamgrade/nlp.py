"""Spanish text analysis: sentences, accent-folded tokens and lemmas.

spaCy's blank Spanish pipeline tokenises and splits sentences (~7 ms for 3,300 words); lemmas
come from simplemma, whose bundled data lemmatises course vocabulary correctly ("entrevisté" ->
"entrevistar", "vendedores" -> "vendedor", "dos" -> "dos"), where spacy-lookups-data gives "dos" ->
"do" and the trained `es_core_news_*` models are GPL-3.0, stale on PyPI and ~50x slower. Nothing
is downloaded at run time: both libraries carry their data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kamgrade.textnorm import fold, fold_token

if TYPE_CHECKING:
    from spacy.language import Language

_WORDLIKE = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a section, with the forms every detector matches on."""

    text: str  # as written (whitespace collapsed)
    tokens: tuple[str, ...]  # lower-case, accent-folded surface tokens (punctuation kept)
    lemmas: tuple[str, ...]  # accent-folded lemmas aligned with `tokens`
    capitalized: tuple[bool, ...]  # the surface token starts with an upper-case letter
    block: int  # index of the block (within the section) the sentence comes from
    words: tuple[int, ...] = ()  # positions of tokens holding a letter, digit or "%"
    vocab: frozenset[str] = frozenset()  # every token and lemma, for quick rejection
    joined: str = ""  # " tok tok … | lem lem … " for prefix look-ups
    folded_text: str = ""  # the sentence as written, lower-case and accent-folded (regexes)
    lower: tuple[str, ...] = ()  # lower-case surface tokens, accents kept (lexicon look-ups)

    @property
    def folded(self) -> str:
        return " ".join(self.tokens)

    @property
    def lemma_text(self) -> str:
        return " ".join(self.lemmas)


@lru_cache(maxsize=1)
def _pipeline() -> Language:
    import spacy

    return spacy.blank("es")


@lru_cache(maxsize=200_000)
def lemma(folded_token: str, surface: str) -> str:
    """Accent-folded lemma of a lower-case token (cached: vocabularies are small)."""
    if not _WORDLIKE.search(surface) or surface[0].isdigit():
        return folded_token
    import simplemma

    return fold(simplemma.lemmatize(surface, lang="es"))


def lemma_of_word(word: str) -> str:
    """Lemma of one rubric keyword, folded the same way as the text's lemmas."""
    low = word.lower()
    return lemma(fold(low), low)


def warm_up() -> None:
    """Load spaCy and simplemma data once (worker initializer)."""
    analyse(["Entrevisté a dos vendedores de la empresa."])


def analyse(paragraphs: Sequence[str] | Iterable[str], blocks: Sequence[int] | None = None) -> list[Sentence]:
    """Split paragraphs into sentences and annotate them.

    `blocks[i]` is recorded as the block index of paragraph i (defaults to i).
    """
    texts = list(paragraphs)
    tokenizer = _pipeline().tokenizer
    out: list[Sentence] = []
    for i, doc in enumerate(tokenizer.pipe(texts, batch_size=256)):
        block = blocks[i] if blocks is not None else i
        # One pass over the tokens (spaCy builds a Token object on every access), then the
        # sentencizer's rule: a sentence ends after ". ! ? …" and the punctuation that follows.
        words: list[str] = []
        spaces: list[str] = []
        for t in doc:
            words.append(t.text)
            spaces.append(t.whitespace_)
        start = 0
        n = len(words)
        for k in range(n + 1):
            if k < n and not (words[k - 1] in _SENTENCE_END and words[k] not in _SENTENCE_END and k > start):
                continue
            if k == n or k > start:
                _add_sentence(out, words[start:k], spaces[start:k], block)
                start = k
    return out


_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "¡!", "?!", "!?", ".."})


@lru_cache(maxsize=200_000)
def _token(surface: str) -> tuple[str, str, str, bool, bool]:
    """(folded, lemma, lower, capitalised, word-like) of one token: one cache look-up per token."""
    folded = fold_token(surface)
    lower = surface.lower()
    return folded, lemma(folded, lower), lower, surface[:1].isupper(), bool(surface == "%" or _WORDLIKE.search(surface))


def _add_sentence(out: list[Sentence], words: list[str], spaces: list[str], block: int) -> None:
    infos = [_token(w) for w in words if not w.isspace()]
    if not infos:
        return
    text = " ".join("".join(w + sp for w, sp in zip(words, spaces, strict=True)).split())
    folded = tuple(i[0] for i in infos)
    lemmas = tuple(i[1] for i in infos)
    word_positions = tuple(k for k, i in enumerate(infos) if i[4])
    out.append(
        make_sentence(
            text, folded, lemmas, tuple(i[3] for i in infos), block, tuple(i[2] for i in infos), word_positions
        )
    )


def make_sentence(
    text: str,
    tokens: tuple[str, ...],
    lemmas: tuple[str, ...],
    capitalized: tuple[bool, ...],
    block: int,
    lower: tuple[str, ...] = (),
    word_positions: tuple[int, ...] | None = None,
) -> Sentence:
    words = (
        word_positions
        if word_positions is not None
        else tuple(i for i, t in enumerate(tokens) if t == "%" or _WORDLIKE.search(t))
    )
    joined = " " + " ".join(tokens[i] for i in words) + " | " + " ".join(lemmas[i] for i in words) + " "
    vocab = frozenset(tokens) | frozenset(lemmas)
    return Sentence(text, tokens, lemmas, capitalized, block, words, vocab, joined, fold(text), lower or tokens)
