"""Spanish text analysis: sentences, accent-folded tokens and lemmas.

spaCy's blank Spanish pipeline tokenises and splits sentences (~7 ms for 3,300 words); lemmas
come from simplemma, whose bundled data lemmatises course vocabulary correctly ("entrevisté" ->
"entrevistar", "vendedores" -> "vendedor", "dos" -> "dos"), where spacy-lookups-data gives "dos" ->
"do" and the trained `es_core_news_*` models are GPL-3.0, stale on PyPI and ~50x slower. Nothing
is downloaded at run time: both libraries carry their data.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import select
import signal
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import TYPE_CHECKING, Any

from kamgrade.textnorm import fold, fold_token

try:
    import fcntl
except ImportError:  # not on POSIX
    fcntl = None  # type: ignore[assignment]

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


@lru_cache(maxsize=1)
def _pipeline() -> Language:
    import spacy

    return spacy.blank("es")


@lru_cache(maxsize=200_000)
def lemma(folded_token: str, surface: str) -> str:
    """Accent-folded lemma of a lower-case token (cached: vocabularies are small)."""
    if not _WORDLIKE.search(surface) or surface[0].isdigit():
        return folded_token
    return fold(_simplemma()[0](surface))


def is_known(word: str) -> bool:
    """simplemma's Spanish dictionary holds `word` (`simplemma.is_known(word, lang="es")`)."""
    return _simplemma()[1](word)


# --- simplemma's Spanish dictionary, decoded in a helper process ------------------------------
#
# simplemma decodes its front-coded Spanish dictionary (824,000 entries) in pure Python on the
# first look-up: ~0.7 s of one core before the first lemma. `prefetch_lexicon()` forks a helper
# that decodes it while this process goes on importing spaCy and reading the rubric. The helper
# hands the dict over with `marshal` (~0.2 s to load, done by each batch worker at the same
# time, or by this process when it grades itself); the look-ups then run through simplemma's own
# `Lemmatizer`/`DefaultStrategy` with a dictionary factory serving that dict, so lemmas are
# exactly those of `simplemma.lemmatize(word, lang="es")`. Nothing is written to disk; without
# fork, or if anything goes wrong, simplemma loads its dictionary itself as before.

_prefetch: tuple[int, int, int] | None = None  # (owner pid, helper pid, read end of its pipe)
_PREFETCH_TIMEOUT = 30.0  # seconds; past it simplemma loads its dictionary here as usual
# The helper's dictionary, marshalled, once received: forked workers inherit it and each loads
# it (in parallel, ~0.2 s) instead of the parent loading it alone before forking them.
_prefetched_blob: bytes | None = None


def prefetch_lexicon() -> None:
    """Start decoding simplemma's Spanish dictionary in a helper process (see above)."""
    global _prefetch
    if _prefetch is not None or _simplemma.cache_info().currsize or not hasattr(os, "fork"):
        return
    try:
        from simplemma.strategies.dictionaries import dictionary_factory

        load = dictionary_factory._load_dictionary_from_disk
        read_fd, write_fd = os.pipe()
    except (ImportError, AttributeError, OSError):
        return
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return
    if pid == 0:  # the helper: decode, send, and leave without running any of the parent's code
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides about Ctrl-C
            data = memoryview(marshal.dumps(load("es")))
            while data:
                data = data[os.write(write_fd, data) :]
        except BaseException:  # noqa: BLE001 - anything: the parent falls back to simplemma
            pass
        finally:
            os._exit(0)
    os.close(write_fd)
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(read_fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    _prefetch = (os.getpid(), pid, read_fd)


def cancel_prefetch() -> None:
    """Stop a helper whose dictionary was not needed (nothing was graded)."""
    global _prefetch
    if _prefetch is None:
        return
    owner, pid, fd = _prefetch
    _prefetch = None
    if owner != os.getpid():
        return
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


def _receive_prefetched() -> None:
    """Read the helper's marshalled dictionary into `_prefetched_blob` (waiting if needed)."""
    global _prefetch, _prefetched_blob
    if _prefetch is None:
        return
    owner, pid, fd = _prefetch
    _prefetch = None
    if owner != os.getpid():  # a forked child inherited the pipe: it belongs to the parent
        return
    chunks: list[bytes] = []
    deadline = time.monotonic() + _PREFETCH_TIMEOUT  # never hang on a stuck helper
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                chunks = []
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        chunks = []
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    _prefetched_blob = b"".join(chunks) if chunks else None


def _take_prefetched() -> dict[bytes, bytes] | None:
    """The helper's dictionary (receiving it if needed), or None."""
    global _prefetched_blob
    _receive_prefetched()
    blob, _prefetched_blob = _prefetched_blob, None
    try:
        data = marshal.loads(blob) if blob else None
    except (EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) and data else None


@lru_cache(maxsize=1)
def _simplemma() -> tuple[Callable[[str], str], Callable[[str], bool]]:
    """(lemmatize, is_known) for Spanish: simplemma's, on the prefetched dictionary if any."""
    import simplemma

    data = _take_prefetched()
    if data is not None:
        try:
            from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
            from simplemma.strategies.dictionaries.dictionary_factory import (
                DEFAULT_DICTIONARY_FACTORY,
                DictionaryFactory,
                MappingStrToByteString,
            )
            from simplemma.utils import normalize_token

            spanish = MappingStrToByteString(data)

            class Prefetched(DictionaryFactory):
                def get_dictionary(self, lang: str) -> Mapping[str, str]:
                    if lang == "es":
                        return spanish
                    return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)

            factory = Prefetched()
            # What simplemma.lemmatize(w, lang="es") and simplemma.is_known(w, lang="es") do,
            # with this factory in place of simplemma's default one.
            strategy = DefaultStrategy(dictionary_factory=factory)
            lemmatizer = simplemma.Lemmatizer(lemmatization_strategy=strategy)
            lookup = DictionaryLookupStrategy(factory)

            def lemmatize(word: str) -> str:
                return lemmatizer.lemmatize(word, "es")

            def known(word: str) -> bool:
                if not isinstance(word, str) or not word:
                    return bool(simplemma.is_known(word, lang="es"))  # raises as simplemma does
                return lookup.get_lemma(normalize_token(word), "es") is not None

            return lemmatize, known
        except (ImportError, AttributeError, TypeError):
            pass

    def lemmatize_default(word: str) -> str:
        return simplemma.lemmatize(word, lang="es")

    def known_default(word: str) -> bool:
        return bool(simplemma.is_known(word, lang="es"))

    return lemmatize_default, known_default


def lemma_of_word(word: str) -> str:
    """Lemma of one rubric keyword, folded the same way as the text's lemmas."""
    low = word.lower()
    return lemma(fold(low), low)


def warm_up() -> None:
    """Load spaCy and simplemma data once (worker initializer).

    With a dictionary helper running (`prefetch_lexicon`), only spaCy is loaded and the
    dictionary received: the workers forked next each load it, at the same time.
    """
    if _prefetch is not None and not _simplemma.cache_info().currsize:
        _pipeline()
        _receive_prefetched()
        return
    analyse(["Entrevisté a dos vendedores de la empresa."])


def analyse(
    paragraphs: Sequence[str] | Iterable[str], blocks: Sequence[int] | None = None
) -> list[Sentence]:
    """Split paragraphs into sentences and annotate them.

    `blocks[i]` is recorded as the block index of paragraph i (defaults to i).
    """
    texts = list(paragraphs)
    tokenizer: Any = _pipeline().tokenizer  # spacy.tokenizer.Tokenizer (its stubs say Callable)
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
        end = _SENTENCE_END
        pairs = enumerate(zip(words, words[1:], strict=False), 1)
        for k in [k for k, (a, b) in pairs if a in end and b not in end]:
            _add_sentence(out, words[start:k], spaces[start:k], block)
            start = k
        _add_sentence(out, words[start:], spaces[start:], block)
    return out


_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "¡!", "?!", "!?", ".."})


@lru_cache(maxsize=200_000)
def _token(surface: str) -> tuple[str, str, str, bool, bool]:
    """(folded, lemma, lower, capitalised, word-like) of one token: one cache look-up per token."""
    folded = fold_token(surface)
    lower = surface.lower()
    return (
        folded,
        lemma(folded, lower),
        lower,
        surface[:1].isupper(),
        bool(surface == "%" or _WORDLIKE.search(surface)),
    )


def _add_sentence(out: list[Sentence], words: list[str], spaces: list[str], block: int) -> None:
    infos = [_token(w) for w in words if not w.isspace()]
    if not infos:
        return
    text = " ".join("".join(map(str.__add__, words, spaces)).split())
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
