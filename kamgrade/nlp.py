"""Spanish text analysis: sentences, accent-folded tokens and lemmas.

spaCy's blank Spanish pipeline tokenises and splits sentences (~7 ms for 3,300 words); lemmas
come from simplemma, whose bundled data lemmatises course vocabulary correctly ("entrevisté" ->
"entrevistar", "vendedores" -> "vendedor", "dos" -> "dos"), where spacy-lookups-data gives "dos" ->
"do" and the trained `es_core_news_*` models are GPL-3.0, stale on PyPI and ~50x slower. Nothing
is downloaded at run time: both libraries carry their data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamgrade.fsutil import atomic_write_bytes, cache_dir
from kamgrade.textnorm import fold, fold_token

if TYPE_CHECKING:
    from simplemma.strategies.dictionaries import DictionaryFactory
    from spacy.language import Language

log = logging.getLogger(__name__)

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


@lru_cache(maxsize=1)
def _pipeline() -> Language:
    from kamgrade.lazy_spacy import import_spacy

    blank: Language = import_spacy().blank("es")
    return blank


@lru_cache(maxsize=200_000)
def lemma(folded_token: str, surface: str) -> str:
    """Accent-folded lemma of a lower-case token (cached: vocabularies are small)."""
    if not _WORDLIKE.search(surface) or surface[0].isdigit():
        return folded_token
    return fold(_simplemma()[0](surface))


def is_known(word: str) -> bool:
    """simplemma's Spanish dictionary holds `word` (`simplemma.is_known(word, lang="es")`)."""
    return _simplemma()[1](word)


# --- simplemma's Spanish dictionary, as a memory-mapped trie ----------------------------------
#
# simplemma ships its Spanish dictionary (824,000 entries) front-coded and lzma-compressed; its
# default factory decodes it into a dict in pure Python on the first look-up: ~1 s of one core
# in every process that lemmatises. simplemma's own `TrieDictionaryFactory` serves the same
# entries from a 4 MB MARISA trie instead, which loads in under a millisecond and is shared by
# all processes through the page cache. kamgrade builds that trie once per machine (~2 s, from
# the installed simplemma data: nothing is downloaded) into its cache folder, atomically, so
# parallel workers never see half a file. Where the folder cannot be written, simplemma's
# default dictionary is used, exactly as before.

LEXICON_LANG = "es"


def _lexicon_path() -> Path:
    from importlib.metadata import version  # spaCy imports it anyway

    tag = f"simplemma-{version('simplemma')}-marisa-{version('marisa-trie')}"
    return cache_dir() / tag / f"{LEXICON_LANG}.dic"


def build_lexicon(path: Path) -> Path:
    """Write simplemma's Spanish dictionary as a MARISA trie at `path` (atomically)."""
    from marisa_trie import HUGE_CACHE, BytesTrie
    from simplemma.strategies.dictionaries.dictionary_factory import (
        _load_dictionary_from_disk,
    )

    raw = _load_dictionary_from_disk(LEXICON_LANG)
    # What simplemma's TrieDictionaryFactory._build_trie does; `tobytes()` is `save()`'s format.
    trie = BytesTrie(((k.decode(), v) for k, v in raw.items()), cache_size=HUGE_CACHE)
    return atomic_write_bytes(path, trie.tobytes())


def _trie_factory() -> DictionaryFactory | None:
    """simplemma's TrieDictionaryFactory on kamgrade's cached trie (built if missing), or None."""
    try:
        from simplemma.strategies.dictionaries import TrieDictionaryFactory

        path = _lexicon_path()
        if not path.exists():
            build_lexicon(path)
        return TrieDictionaryFactory(disk_cache_dir=str(path.parent))
    except (ImportError, OSError, ValueError, RuntimeError) as e:
        log.info("diccionario de lemas en caché no disponible (%s); se usa el de simplemma", e)
        return None


@lru_cache(maxsize=1)
def _simplemma() -> tuple[Callable[[str], str], Callable[[str], bool]]:
    """(lemmatize, is_known) for Spanish, as `simplemma.lemmatize/is_known(w, lang="es")`."""
    import simplemma
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
    from simplemma.utils import normalize_token

    factory = _trie_factory()
    if factory is None:
        from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

        factory = DEFAULT_DICTIONARY_FACTORY
    lemmatizer = simplemma.Lemmatizer(
        lemmatization_strategy=DefaultStrategy(dictionary_factory=factory)
    )
    lookup = DictionaryLookupStrategy(factory)

    def lemmatize(word: str) -> str:
        return lemmatizer.lemmatize(word, LEXICON_LANG)

    def known(word: str) -> bool:
        if not isinstance(word, str) or not word:
            return bool(simplemma.is_known(word, lang=LEXICON_LANG))  # raises as simplemma does
        return lookup.get_lemma(normalize_token(word), LEXICON_LANG) is not None

    return lemmatize, known


@lru_cache(maxsize=200_000)
def lemma_of_word(word: str) -> str:
    """Lemma of one rubric keyword, folded the same way as the text's lemmas."""
    low = word.lower()
    return lemma(fold(low), low)


def warm_up() -> None:
    """Load spaCy and the lemma dictionary once (before forking workers, which share them)."""
    analyse(["Entrevisté a dos vendedores de la empresa."])


def analyse(
    paragraphs: Sequence[str] | Iterable[str], blocks: Sequence[int] | None = None
) -> list[Sentence]:
    """Split paragraphs into sentences and annotate them.

    `blocks[i]` is recorded as the block index of paragraph i (defaults to i).
    """
    texts = list(paragraphs)
    tokenizer: Any = _pipeline().tokenizer  # spacy.tokenizer.Tokenizer (its stubs say Callable)
    from spacy.attrs import ORTH  # after _pipeline(), which imports spaCy without its CLI

    strings = tokenizer.vocab.strings
    ends = _sentence_end_ids(strings)
    out: list[Sentence] = []
    for i, doc in enumerate(tokenizer.pipe(texts, batch_size=256)):
        block = blocks[i] if blocks is not None else i
        text = texts[i]
        # Tokens are handled by their ids in spaCy's string store, one call for the paragraph:
        # a spaCy Token object, or even the token's string, costs more than a known token's
        # info. The sentencizer's rule: a sentence ends after ". ! ? …" and the punctuation that
        # follows. A sentence's text is cut from the paragraph at its first token's offset (the
        # tokenizer keeps every character), so white space is never rebuilt token by token.
        ids = doc.to_array(ORTH).tolist()
        start, offset = 0, 0
        after_end = False
        for k, orth in enumerate(ids):
            if orth in ends:
                after_end = True
            elif after_end:
                cut = doc[k].idx
                _add_sentence(out, ids[start:k], strings, text[offset:cut], block)
                start, offset, after_end = k, cut, False
        _add_sentence(out, ids[start:], strings, text[offset:], block)
    return out


_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "¡!", "?!", "!?", ".."})


@lru_cache(maxsize=1)
def _sentence_end_ids(strings: Any) -> frozenset[int]:
    return frozenset(strings[s] for s in _SENTENCE_END)  # a string's id is its hash: no entry


_TokenInfo = tuple[str, str, str, bool, bool]  # (folded, lemma, lower, capitalised, word-like)
# Every token seen, by its id in spaCy's string store, with its info (white space: empty). A
# plain dict: one look-up per token, as a corpus has a few thousand distinct words; emptied if
# it ever grows past _MAX_TOKENS.
_TOKENS: dict[int, _TokenInfo | tuple[()]] = {}
_MAX_TOKENS = 200_000


def _new_token(orth: int, surface: str) -> _TokenInfo | tuple[()]:
    info: _TokenInfo | tuple[()] = ()
    if not surface.isspace():
        folded = fold_token(surface)
        lower = surface.lower()
        info = (
            folded,
            lemma(folded, lower),
            lower,
            surface[:1].isupper(),
            bool(surface == "%" or _WORDLIKE.search(surface)),
        )
    if len(_TOKENS) >= _MAX_TOKENS:
        _TOKENS.clear()
    _TOKENS[orth] = info
    return info


def _add_sentence(out: list[Sentence], ids: list[int], strings: Any, span: str, block: int) -> None:
    known = _TOKENS.get
    infos: list[_TokenInfo] = []
    for orth in ids:
        info = known(orth)
        if info is None:
            info = _new_token(orth, strings[orth])
        if info:
            infos.append(info)
    if not infos:
        return
    text = " ".join(span.split())
    folded, lemmas, lower, caps, wordlike = zip(*infos, strict=True)
    positions = tuple(compress(range(len(infos)), wordlike))
    out.append(make_sentence(text, folded, lemmas, caps, block, lower, positions))


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
    joined = (
        " "
        + " ".join([tokens[i] for i in words])
        + " | "
        + " ".join([lemmas[i] for i in words])
        + " "
    )
    vocab = frozenset(tokens + lemmas)
    return Sentence(
        text, tokens, lemmas, capitalized, block, words, vocab, joined, fold(text), lower or tokens
    )
