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
    aligned: str = ""  # " tok\x01lem tok\x01lem … ": one regex matches a phrase on words or lemmas
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

    nlp = spacy.blank("es")
    nlp.add_pipe("sentencizer")
    return nlp


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
    nlp = _pipeline()
    out: list[Sentence] = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=256)):
        block = blocks[i] if blocks is not None else i
        for sent in doc.sents:
            toks = [t.text for t in sent if not t.is_space]
            if not toks:
                continue
            folded = tuple(fold_token(t) for t in toks)
            lemmas = tuple(lemma(f, t.lower()) for f, t in zip(folded, toks, strict=True))
            caps = tuple(t[:1].isupper() for t in toks)
            out.append(
                make_sentence(" ".join(sent.text.split()), folded, lemmas, caps, block, tuple(t.lower() for t in toks))
            )
    return out


def make_sentence(
    text: str,
    tokens: tuple[str, ...],
    lemmas: tuple[str, ...],
    capitalized: tuple[bool, ...],
    block: int,
    lower: tuple[str, ...] = (),
) -> Sentence:
    words = tuple(i for i, t in enumerate(tokens) if t == "%" or _WORDLIKE.search(t))
    joined = " " + " ".join(tokens[i] for i in words) + " | " + " ".join(lemmas[i] for i in words) + " "
    aligned = " " + " ".join(f"{tokens[i]}\x01{lemmas[i]}" for i in words) + " "
    vocab = frozenset(tokens) | frozenset(lemmas)
    return Sentence(text, tokens, lemmas, capitalized, block, words, vocab, joined, aligned, lower or tokens)
