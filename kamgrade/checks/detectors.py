"""Check stage: evaluate a rubric element's detector over one section.

Primitives look at one sentence at a time (lower-case, accent-folded tokens and simplemma
lemmas); combinators join what their children found. Every evaluation returns the sentences
that satisfied it and a Spanish explanation, so a grade can always be traced to the text.
A sentence that says the student could *not* get the data ("no fue posible obtener el
organigrama") is a mention, not presence: it never satisfies a detector unless the rubric says
`allow_negated: true`.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress

from kamgrade.model import Block, Figure, FigureKind, Paragraph, Table, block_paragraphs
from kamgrade.nlp import Sentence, is_known, lemma_of_word, make_sentence
from kamgrade.numbers import find_numbers
from kamgrade.rubric.model import (
    Detector,
    FigureKindName,
    FigureSpec,
    NumberNear,
    People,
    SharedTerms,
)
from kamgrade.textnorm import fold

_TOKEN_SPLIT = re.compile(r"[\s\-/]+")
_PUNCT = re.compile(r"^[^\w*%$]+|[^\w*%]+$")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a detector may look at for one section."""

    sentences: tuple[Sentence, ...]  # section body (then annex) sentences, in order
    blocks: tuple[Block, ...]  # section body blocks (Sentence.block indexes these, then annex)
    annex: tuple[Block, ...] = ()
    others: Mapping[str, tuple[Sentence, ...]] = field(default_factory=dict)  # other sections
    negations: tuple[str, ...] = ()
    common_terms: frozenset[str] = frozenset()  # lemmas of the prompt: never "specific" terms
    pasted_blocks: frozenset[int] = frozenset()  # blocks copied from the prompt: not the student's
    negated: frozenset[int] = (
        frozenset()
    )  # sentences that deny having the data (rubric `negations`)
    index: Mapping[str, Sequence[int]] | None = (
        None  # token or lemma -> sentences (see build_index)
    )


def build_index(sentences: Sequence[Sentence]) -> Mapping[str, list[int]]:
    """Which sentences hold each token or lemma (ascending): detectors test only those sentences.

    Lists, not sets: a section has thousands of words and its detectors look up a few hundred.
    """
    found: defaultdict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        for word in s.vocab:  # a set: each sentence is added once per word
            found[word].append(i)
    return found


class _IndexMemo:
    """Look-ups of one section's index that many detectors repeat, computed once."""

    __slots__ = ("index", "keys", "words")

    def __init__(self, index: Mapping[str, Sequence[int]]) -> None:
        self.index = index
        self.keys: list[str] | None = None  # the index's words in order, for prefix look-ups
        self.words: dict[str, frozenset[int]] = {}  # by _Word.key


_MEMO: list[_IndexMemo] = []  # one section at a time: keep the memo small


def _memo(index: Mapping[str, Sequence[int]]) -> _IndexMemo:
    if not _MEMO or _MEMO[0].index is not index:
        _MEMO[:] = [_IndexMemo(index)]
    return _MEMO[0]


def _sentences_with(scope: Scope, phrases: Sequence[tuple[_Word, ...]]) -> set[int] | None:
    """Sentences that may hold one of the phrases (None: every sentence may)."""
    index = scope.index
    if index is None:
        return None
    out: set[int] = set()
    for phrase in phrases:
        if phrase:
            out.update(_phrase_sentences(index, phrase))
    return out


def _word_sentences(index: Mapping[str, Sequence[int]], w: _Word) -> frozenset[int]:
    """The sentences holding a token or lemma `w` may match (`_may_contain` needs one)."""
    memo = _memo(index)
    found = memo.words.get(w.key)
    if found is not None:
        return found
    out: set[int] = set()
    if w.prefix:
        if memo.keys is None:
            memo.keys = sorted(index)
        keys = memo.keys
        k = bisect.bisect_left(keys, w.surface)
        while k < len(keys) and keys[k].startswith(w.surface):
            out.update(index[keys[k]])
            k += 1
    else:
        out.update(index.get(w.surface, ()))
        out.update(index.get(w.lemma, ()))
    memo.words[w.key] = found = frozenset(out)
    return found


def _phrase_sentences(
    index: Mapping[str, Sequence[int]], phrase: tuple[_Word, ...]
) -> frozenset[int]:
    """The sentences holding every word of the phrase: the only ones `_may_contain` may accept.

    Most phrases start with a word that is everywhere ("por cliente", "de la empresa"), so
    testing on the first word alone would try nearly every sentence.
    """
    found = _word_sentences(index, phrase[0])
    for w in phrase[1:]:
        if not found:
            break
        found = found & _word_sentences(index, w)
    return found


def _phrases_by_sentence(
    index: Mapping[str, Sequence[int]], phrases: Sequence[tuple[_Word, ...]]
) -> dict[int, list[tuple[_Word, ...]]]:
    """Sentence -> the phrases (in order) whose every word it holds: the only ones it may match."""
    out: dict[int, list[tuple[_Word, ...]]] = {}
    for phrase in phrases:
        if phrase:
            for i in _phrase_sentences(index, phrase):
                out.setdefault(i, []).append(phrase)
    return out


def negated_sentences(
    sentences: Sequence[Sentence], index: Mapping[str, Sequence[int]], negations: Sequence[str]
) -> frozenset[int]:
    """Indexes of the sentences `is_negated` holds for, testing only those the index allows."""
    phrases = [compile_phrase(n) for n in negations]
    by_sentence = _phrases_by_sentence(index, phrases)
    return frozenset(i for i, mine in by_sentence.items() if _any_phrase(sentences[i], mine))


@dataclass(frozen=True, slots=True)
class Match:
    fired: bool
    sentences: frozenset[int]  # indexes into Scope.sentences
    notes: tuple[str, ...]  # extra evidence (figures) as text
    reason: str  # Spanish explanation


# --- phrase matching -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    surface: str  # folded
    lemma: str
    prefix: bool  # ends in "*": matches any token starting with `surface`

    @property
    def key(self) -> str:
        """What the word is written as in a rubric (its lemma follows from its surface)."""
        return self.surface + "*" if self.prefix else self.surface

    def matches(self, token: str, lemma: str) -> bool:
        if self.prefix:
            return token.startswith(self.surface) or lemma.startswith(self.surface)
        return token == self.surface or lemma == self.lemma or lemma == self.surface


@lru_cache(maxsize=4096)
def compile_phrase(phrase: str) -> tuple[_Word, ...]:
    words = []
    for raw in _TOKEN_SPLIT.split(fold(phrase)):
        raw = _PUNCT.sub("", raw)
        if not raw:
            continue
        prefix = raw.endswith("*")
        surface = raw.rstrip("*")
        words.append(_Word(surface, surface if prefix else lemma_of_word(surface), prefix))
    return tuple(words)


def _may_contain(sentence: Sentence, phrase: tuple[_Word, ...]) -> bool:
    for w in phrase:
        if w.prefix:
            if " " + w.surface not in sentence.joined:
                return False
        elif w.surface not in sentence.vocab and w.lemma not in sentence.vocab:
            return False
    return True


def phrase_positions(sentence: Sentence, phrase: tuple[_Word, ...]) -> list[int]:
    """Token positions where `phrase` starts in the sentence (punctuation tokens skipped)."""
    if not phrase or not _may_contain(sentence, phrase):
        return []
    return _positions(sentence, phrase)


def _positions(sentence: Sentence, phrase: tuple[_Word, ...]) -> list[int]:
    """`phrase_positions` once `_may_contain` has said yes."""
    toks, lems = sentence.tokens, sentence.lemmas
    idx = sentence.words
    hits = []
    first, rest = phrase[0], tuple(enumerate(phrase))[1:]
    for start in range(len(idx) - len(phrase) + 1):
        at = idx[start]
        if first.matches(toks[at], lems[at]) and all(
            w.matches(toks[idx[start + k]], lems[idx[start + k]]) for k, w in rest
        ):
            hits.append(at)
    return hits


def _any_phrase(sentence: Sentence, phrases: Sequence[tuple[_Word, ...]]) -> bool:
    for p in phrases:
        # For one-word phrases the quick test is exact; longer ones need the positions.
        if p and _may_contain(sentence, p) and (len(p) == 1 or _positions(sentence, p)):
            return True
    return False


def is_negated(sentence: Sentence, negations: Sequence[str]) -> bool:
    return _any_phrase(sentence, [compile_phrase(n) for n in negations])


# --- evaluation ------------------------------------------------------------------------------


def evaluate(detector: Detector, scope: Scope) -> Match:
    """Evaluate one detector node over the section."""
    kind = detector.kind
    if kind == "phrases" and scope.index is not None:
        # Each candidate sentence is tried only on the phrases whose first word it holds.
        phrases = [compile_phrase(p) for p in detector.phrases or []]
        by_sentence = _phrases_by_sentence(scope.index, phrases)
        mine = {id(scope.sentences[i]): ps for i, ps in by_sentence.items()}
        label = _phrases(detector, scope)[1]
        return _per_sentence(
            detector, scope, lambda s: _any_phrase(s, mine[id(s)]), label, set(by_sentence)
        )
    if kind in _SENTENCE_PRIMITIVES:
        test, label = _SENTENCE_PRIMITIVES[kind](detector, scope)
        return _per_sentence(detector, scope, test, label, _candidates(detector, scope))
    if kind == "figure":
        assert detector.figure is not None
        return _figure(detector.figure, scope, detector)
    if kind == "shared_terms":
        assert detector.shared_terms is not None
        return _shared_terms(detector.shared_terms, scope, detector)
    if kind == "people":
        assert detector.people is not None
        return _people(detector.people, scope, detector)
    return _combinator(detector, scope)


def _limit(
    detector: Detector, sentences: set[int], notes: tuple[str, ...], reason: str, negated: int
) -> Match:
    need = detector.min_matches
    count = len(sentences) + (1 if notes and not sentences else 0)
    fired = count >= need
    if negated:
        reason += f"; {negated} oración(es) descartada(s) porque niegan tener el dato"
    if need > 1:
        reason += f"; {len(sentences)} de {need} oraciones requeridas"
    return Match(fired, frozenset(sentences), notes, reason)


def _per_sentence(
    detector: Detector,
    scope: Scope,
    test: Callable[[Sentence], bool],
    label: str,
    candidates: set[int] | None = None,
) -> Match:
    hits: set[int] = set()
    negated = 0
    order = sorted(candidates) if candidates is not None else range(len(scope.sentences))
    for i in order:
        s = scope.sentences[i]
        if test(s):
            if not detector.allow_negated and i in scope.negated:
                negated += 1
                continue
            hits.add(i)
    verb = f"{len(hits)} oración(es) con {label}" if hits else f"ninguna oración con {label}"
    return _limit(detector, hits, (), verb, negated)


def _candidates(detector: Detector, scope: Scope) -> set[int] | None:
    if detector.phrases is not None:
        return _sentences_with(scope, [compile_phrase(p) for p in detector.phrases])
    if detector.lemmas is not None:
        if scope.index is None:
            return None
        # A lemma is a whole token ("e-commerce"), not a phrase of its parts: the index has it.
        return {i for w in _wanted_lemmas(detector) for i in scope.index.get(w, ())}
    if detector.number_near is not None:
        return _sentences_with(scope, [compile_phrase(w) for w in detector.number_near.words])
    return None


def _quote(items: Sequence[str], n: int = 4) -> str:
    shown = ", ".join(f"«{x}»" for x in items[:n])
    return shown + ("…" if len(items) > n else "")


def _phrases(detector: Detector, scope: Scope) -> tuple[Callable[[Sentence], bool], str]:
    phrases = [compile_phrase(p) for p in detector.phrases or []]
    return (lambda s: _any_phrase(s, phrases)), f"alguna frase de {_quote(detector.phrases or [])}"


def _wanted_lemmas(detector: Detector) -> set[str]:
    """What a `lemmas` detector accepts as a token or a lemma: each word and its lemma."""
    words = detector.lemmas or []
    return {lemma_of_word(w) for w in words} | {fold(w) for w in words}


def _lemmas(detector: Detector, scope: Scope) -> tuple[Callable[[Sentence], bool], str]:
    wanted = _wanted_lemmas(detector)
    return (
        lambda s: any(
            lem in wanted or tok in wanted for tok, lem in zip(s.tokens, s.lemmas, strict=True)
        )
    ), (f"algún lema de {_quote(detector.lemmas or [])}")


@lru_cache(maxsize=1024)
def _compiled_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regex(detector: Detector, scope: Scope) -> tuple[Callable[[Sentence], bool], str]:
    rx = _compiled_regex(detector.regex or "")
    return (lambda s: rx.search(s.folded_text) is not None), f"la expresión /{detector.regex}/"


def _number_near(detector: Detector, scope: Scope) -> tuple[Callable[[Sentence], bool], str]:
    spec: NumberNear = detector.number_near  # type: ignore[assignment]
    phrases = [compile_phrase(w) for w in spec.words]
    # A sentence can only anchor on the phrases whose first word it holds (as for `phrases`).
    mine: dict[int, list[tuple[_Word, ...]]] | None = None
    if scope.index is not None:
        by_sentence = _phrases_by_sentence(scope.index, phrases)
        mine = {id(scope.sentences[i]): ps for i, ps in by_sentence.items()}

    def test(s: Sentence) -> bool:
        numbers = [n for n in find_numbers(s.tokens) if n.is_kind(spec.kind)]
        if not numbers:
            return False
        tried = phrases if mine is None else mine.get(id(s), ())
        anchors = [pos for p in tried for pos in phrase_positions(s, p)]
        # Distance counts words, not punctuation: "…total de Lala en México, que es de 1,850".
        rank = {pos: r for r, pos in enumerate(s.words)}
        for n in numbers:
            if _bound_elsewhere(s, n.start, n.end, anchors):
                continue
            first = rank.get(n.start, 0)
            last = rank.get(n.end - 1, first)
            for pos in anchors:
                at = rank.get(pos, 0)
                gap = at - last - 1 if at > last else first - at - 1
                if gap < spec.window:
                    return True
        return False

    kind = {
        "any": "un número",
        "count": "una cantidad",
        "percent": "un porcentaje",
        "years": "un número de años",
    }
    return test, f"{kind[spec.kind.value]} a ≤{spec.window} palabras de {_quote(spec.words)}"


# A number right before one of these nouns counts *them* ("dos ejecutivos de cuenta"), so it
# cannot be the count of another noun nearby ("cuenta").
_PEOPLE_NOUNS = {
    "vendedor",
    "vendedora",
    "ejecutivo",
    "ejecutiva",
    "kam",
    "asesor",
    "asesora",
    "representante",
    "entrevistado",
    "entrevistada",
    "gerente",
    "agente",
}


def _bound_elsewhere(s: Sentence, start: int, end: int, anchors: list[int]) -> bool:
    """The number counts something other than the anchors: "dos ejecutivos", "los dos tienen"."""
    if end in anchors or end + 1 in anchors and end < len(s.tokens) and s.tokens[end] == "de":
        return False
    nxt = s.lemmas[end] if end < len(s.lemmas) else ""
    if nxt in _PEOPLE_NOUNS or s.tokens[end : end + 1] in (("kam",), ("kams",)):
        return True
    before = s.tokens[start - 1] if start > 0 else ""
    return before in ("los", "las", "ambos", "ambas") and not (
        nxt and nxt[0].isalpha() and end in anchors
    )


_SENTENCE_PRIMITIVES: dict[
    str, Callable[[Detector, Scope], tuple[Callable[[Sentence], bool], str]]
] = {
    "phrases": _phrases,
    "lemmas": _lemmas,
    "regex": _regex,
    "number_near": _number_near,
}


# --- people ----------------------------------------------------------------------------------

_ORDINALS = {
    "primer": 1,
    "primera": 1,
    "primero": 1,
    "segundo": 2,
    "segunda": 2,
    "tercer": 3,
    "tercera": 3,
    "tercero": 3,
    "cuarto": 4,
    "cuarta": 4,
    "quinto": 5,
    "quinta": 5,
}
_LABEL_NOUNS = {
    "vendedor",
    "vendedora",
    "entrevista",
    "entrevistado",
    "entrevistada",
    "kam",
    "ejecutivo",
    "ejecutiva",
    "asesor",
    "asesora",
    "gerente",
    "representante",
}
_NAME_CUES = {"a", "con", ":", ",", "y", "entrevistado", "entrevistada", "llamado", "llamada"}
# Business acronyms written in capitals are not people ("KAM de hoteles", "el CRM").
_ACRONYMS = {
    "kam",
    "kams",
    "ceo",
    "cfo",
    "coo",
    "crm",
    "erp",
    "rh",
    "ti",
    "pyme",
    "pymes",
    "sa",
    "cv",
}
_TITLES = {
    "lic",
    "ing",
    "sr",
    "sra",
    "srta",
    "mtro",
    "mtra",
    "dr",
    "dra",
    "c.p",
    "cp",
    "lic.",
    "ing.",
    "sr.",
    "sra.",
}


def _is_name_token(token: str, surface_cap: bool) -> bool:
    if not surface_cap or len(token) < 3 or not token.isalpha():
        return False
    return not _known(token)


@lru_cache(maxsize=65_536)
def _known(word: str) -> bool:
    """The Spanish lexicon knows the word (so a capitalised one is not a proper name)."""
    return is_known(word)


def _people(spec: People, scope: Scope, detector: Detector) -> Match:
    context = [compile_phrase(c) for c in spec.context]
    people: dict[str, int] = {}
    hits: set[int] = set()
    for i, s in enumerate(scope.sentences):
        if not _any_phrase(s, context):
            continue
        toks = s.tokens
        found_here = False
        for k, tok in enumerate(toks):
            # "primer vendedor", "segunda entrevista", "vendedor 2", "KAM B"
            if (
                tok in _ORDINALS
                and k + 1 < len(toks)
                and lemma_of_word(toks[k + 1]) in _LABEL_NOUNS
            ):
                people.setdefault(f"#{_ORDINALS[tok]}", i)
                found_here = True
            if lemma_of_word(tok) in _LABEL_NOUNS and k + 1 < len(toks):
                nxt = toks[k + 1]
                if (
                    nxt.isdigit()
                    and len(nxt) == 1
                    or nxt in ("a", "b", "c")
                    and s.capitalized[k + 1]
                ):
                    label = nxt if nxt.isdigit() else str(ord(nxt) - 96)
                    people.setdefault(f"#{label}", i)
                    found_here = True
            # Proper names: a run of capitalised words, not after "de/en/la" (places, companies),
            # that is either unknown to the Spanish lexicon or introduced by "a", "con", "Lic.".
            if (
                s.capitalized[k]
                and tok.isalpha()
                and len(tok) >= 3
                and (k == 0 or not s.capitalized[k - 1] or toks[k - 1] in _TITLES)
            ):
                j = k
                while j + 1 < len(toks) and s.capitalized[j + 1] and toks[j + 1].isalpha():
                    j += 1
                run = [t for t in toks[k : j + 1] if t not in _ACRONYMS]
                if not run:
                    continue
                prev = toks[k - 1] if k > 0 else ""
                cue = prev in _NAME_CUES or prev in _TITLES
                unknown = any(_is_name_token(t, True) for t in run)
                if prev in ("de", "del", "en", "la", "el", "los", "las", "al"):
                    continue
                if k == 0 and len(run) == 1:
                    continue
                if (len(run) >= 2 and (unknown or cue)) or (len(run) == 1 and unknown and cue):
                    people.setdefault(run[0], i)
                    found_here = True
        if found_here:
            hits.add(i)
    fired = len(people) >= spec.at_least
    names = [p if not p.startswith("#") else f"persona {p[1:]}" for p in people]
    reason = (
        f"{len(people)} persona(s) distinta(s) en oraciones sobre {_quote(spec.context)}"
        + (f": {', '.join(names[:6])}" if names else "")
        + f" (se piden {spec.at_least})"
    )
    return Match(fired, frozenset(hits) if fired else frozenset(), (), reason)


# --- figures ---------------------------------------------------------------------------------

_FIGURE_KIND = {
    FigureKind.IMAGE: FigureKindName.IMAGE,
    FigureKind.DIAGRAM: FigureKindName.DIAGRAM,
    FigureKind.CHART: FigureKindName.CHART,
    FigureKind.SHAPE: FigureKindName.SHAPE,
    FigureKind.OBJECT: FigureKindName.IMAGE,
}
_FIGURE_LABEL = {
    FigureKindName.IMAGE: "imagen",
    FigureKindName.DIAGRAM: "SmartArt",
    FigureKindName.CHART: "gráfico",
    FigureKindName.SHAPE: "formas o cuadros de texto",
    FigureKindName.TABLE: "tabla",
    FigureKindName.LIST: "lista con sangrías",
}


def _figure_items(
    blocks: Sequence[Block], spec: FigureSpec, skip: frozenset[int] = frozenset()
) -> list[tuple[int, int, FigureKindName, str]]:
    """(first block, last block, kind, text) of every figure-like thing in the blocks."""
    items: list[tuple[int, int, FigureKindName, str]] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if i in skip:
            i += 1
            continue
        if isinstance(b, Figure):
            items.append((i, i, _FIGURE_KIND[b.kind], f"{b.description} {b.text}"))
        elif isinstance(b, Table):
            if b.n_rows >= spec.min_items and not (b.n_rows == 1 and b.n_cols == 1):
                text = " ".join(p.text for p in b.iter_paragraphs())
                items.append((i, i, FigureKindName.TABLE, text))
        elif (
            isinstance(b, Paragraph)
            and not b.is_list_item
            and (b.indent or 0) > 0
            and _indented_run(blocks, i, skip) >= spec.min_items
        ):
            j = i + _indented_run(blocks, i, skip) - 1
            run = [blocks[k] for k in range(i, j + 1)]
            items.append((i, j, FigureKindName.LIST, " ".join(_text(x) for x in run)))
            i = j
        elif isinstance(b, Paragraph) and b.is_list_item:
            j = i
            while (
                j + 1 < len(blocks)
                and j + 1 not in skip
                and isinstance(blocks[j + 1], Paragraph)
                and blocks[j + 1].is_list_item  # type: ignore[union-attr]
            ):
                j += 1
            run = [blocks[k] for k in range(i, j + 1)]
            if len(run) >= spec.min_items:
                items.append((i, j, FigureKindName.LIST, " ".join(_text(x) for x in run)))
            i = j
        i += 1
    return items


def _indented_run(blocks: Sequence[Block], start: int, skip: frozenset[int]) -> int:
    """Length of a run of short paragraphs with at least two indentation depths (an outline)."""
    depths: set[float] = set()
    k = start
    while k < len(blocks) and k not in skip:
        b = blocks[k]
        if (
            not isinstance(b, Paragraph)
            or b.is_list_item
            or len(b.text.split()) > 15
            or not b.text.strip()
        ):
            break
        depths.add(b.indent or 0.0)
        k += 1
    return k - start if len(depths) >= 2 else 0


def _text(block: Block) -> str:
    return " ".join(p.text for p in block_paragraphs(block))


def _figure(spec: FigureSpec, scope: Scope, detector: Detector) -> Match:
    wanted = set(spec.kinds)
    context = [compile_phrase(c) for c in spec.context]
    n_body = len(scope.blocks)
    all_blocks = list(scope.blocks) + list(scope.annex)
    found: list[str] = []
    hits: set[int] = set()
    rejected = 0
    for first, last, kind, text in _figure_items(all_blocks, spec, scope.pasted_blocks):
        if kind not in wanted:
            continue
        where = "" if first < n_body else " (en el anexo)"
        label = f"[{_FIGURE_LABEL[kind]}{where}: {' '.join(text.split())[:80]}]".replace(": ]", "]")
        if not context:
            found.append(label)
            continue
        lo, hi = first - spec.window, last + spec.window
        near = [
            i
            for i, s in enumerate(scope.sentences)
            if lo <= s.block <= hi and _any_phrase(s, context)
        ]
        own = any(phrase_positions(_pseudo_sentence(text), p) for p in context)
        ok = [i for i in near if detector.allow_negated or i not in scope.negated]
        if own or ok:
            found.append(label)
            hits.update(ok[:1])
        elif near:
            rejected += 1
    kinds = ", ".join(_FIGURE_LABEL[k] for k in spec.kinds)
    if found:
        reason = f"{len(found)} figura(s) del tipo {kinds}" + (
            f" junto a {_quote(spec.context)}" if context else ""
        )
    else:
        reason = f"ninguna figura del tipo {kinds}" + (
            f" junto a {_quote(spec.context)}" if context else ""
        )
        if rejected:
            reason += f"; {rejected} descartada(s) porque el texto dice que no se tiene"
    return Match(bool(found), frozenset(hits), tuple(found), reason)


@lru_cache(maxsize=256)
def _pseudo_sentence(text: str) -> Sentence:
    from kamgrade.nlp import analyse

    sents = analyse([text[:2000]])
    tokens = tuple(t for s in sents for t in s.tokens)
    lemmas = tuple(t for s in sents for t in s.lemmas)
    caps = tuple(c for s in sents for c in s.capitalized)
    return make_sentence(text, tokens, lemmas, caps, 0)


# --- shared terms ----------------------------------------------------------------------------


def specific_terms(sentence: Sentence, common: frozenset[str]) -> set[str]:
    """Figures and proper names: the facts a later section can take from an earlier one.

    Small numbers ("3 estrategias") are too common to show anything; a proper name is a
    capitalised word, not sentence-initial, that the Spanish lexicon does not know.
    """
    out: set[str] = set()
    toks = sentence.tokens
    lemmas = sentence.lemmas
    # Only capitalised tokens after the first can be names, and only a sentence with a digit
    # can hold a figure: most tokens need no look at all.
    for k in compress(range(1, len(toks)), sentence.capitalized[1:]):
        tok = toks[k]
        if (
            tok.isalpha()
            and len(tok) >= 3
            and lemmas[k] not in common
            and not _known(sentence.lower[k])
        ):
            out.add(tok)
    if _DIGIT.search(sentence.folded_text):
        for k, tok in enumerate(toks):
            if not tok.isalpha() and _DIGIT.search(tok):
                digits = re.sub(r"[^\d]", "", tok)
                percent = "%" in tok or toks[k + 1 : k + 2] == ("%",)
                if digits and (percent or int(digits) >= 10):
                    out.add(digits)
    return out


_DIGIT = re.compile(r"\d")


def _shared_terms(spec: SharedTerms, scope: Scope, detector: Detector) -> Match:
    by_section = {
        sid: set().union(*(specific_terms(s, scope.common_terms) for s in sents))
        for sid, sents in scope.others.items()
    }
    other_terms: set[str] = set().union(*(by_section.get(sid, set()) for sid in spec.sections))
    own = [specific_terms(s, scope.common_terms) for s in scope.sentences]
    # Terms in every section (the company's name) say nothing about building on findings.
    everywhere = set().union(*own)
    for sid, terms in by_section.items():
        if scope.others[sid]:  # a missing section says nothing about what is everywhere
            everywhere &= terms
    shared: set[str] = set()
    hits: set[int] = set()
    for i, terms in enumerate(own):
        if not detector.allow_negated and i in scope.negated:
            continue
        mine = (terms & other_terms) - everywhere
        if mine:
            shared |= mine
            hits.add(i)
    fired = len(shared) >= spec.at_least
    reason = (
        f"{len(shared)} dato(s) específico(s) compartido(s) con {', '.join(spec.sections)}"
        + (f": {', '.join(sorted(shared)[:8])}" if shared else "")
        + f" (se piden {spec.at_least})"
    )
    ranked = sorted(hits, key=lambda i: -len(own[i] & shared))
    return Match(fired, frozenset(ranked[:3]) if fired else frozenset(), (), reason)


# --- combinators -----------------------------------------------------------------------------


def _combinator(detector: Detector, scope: Scope) -> Match:
    kind = detector.kind
    if kind == "not":
        assert detector.not_ is not None
        child = evaluate(detector.not_, scope)
        return Match(not child.fired, frozenset(), (), f"NO ({child.reason})")
    children = [evaluate(d, scope) for d in (detector.all or detector.any or detector.near or [])]
    if kind == "any":
        fired_children = [c for c in children if c.fired]
        sentences = (
            frozenset().union(*(c.sentences for c in fired_children))
            if fired_children
            else frozenset()
        )
        notes = tuple(n for c in fired_children for n in c.notes)
        reason = "ALGUNO de: " + " | ".join(
            ("✓ " if c.fired else "✗ ") + c.reason for c in children
        )
        m = Match(bool(fired_children), sentences, notes, reason)
    elif kind == "all":
        ok = all(c.fired for c in children)
        sentences = frozenset().union(*(c.sentences for c in children)) if ok else frozenset()
        notes = tuple(n for c in children for n in c.notes) if ok else ()
        reason = "TODOS: " + " | ".join(("✓ " if c.fired else "✗ ") + c.reason for c in children)
        m = Match(ok, sentences, notes, reason)
    else:  # near
        m = _near(detector, scope, children)
    if detector.min_matches > 1 and m.fired and len(m.sentences) < detector.min_matches:
        return Match(
            False, frozenset(), (), m.reason + f"; se piden {detector.min_matches} oraciones"
        )
    return m


def _near(detector: Detector, scope: Scope, children: list[Match]) -> Match:
    reason_parts = " | ".join(("✓ " if c.fired else "✗ ") + c.reason for c in children)
    if not all(c.fired for c in children) or not children:
        return Match(
            False, frozenset(), (), f"CERCA (≤{detector.window} oraciones): {reason_parts}"
        )
    w = detector.window
    used: set[int] = set()
    for anchor in sorted(children[0].sentences):
        group = {anchor}
        for c in children[1:]:
            close = [i for i in c.sentences if abs(i - anchor) <= w]
            if not close:
                break
            group.add(min(close, key=lambda i: abs(i - anchor)))
        else:
            used |= group
    fired = bool(used)
    return Match(
        fired,
        frozenset(used),
        (),
        f"CERCA (≤{w} oraciones): {reason_parts}"
        + ("" if fired else "; no coinciden en oraciones cercanas"),
    )
