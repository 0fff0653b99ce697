"""Text preprocessing, one plain function per step, English and Korean.

    clean -> tokenize -> remove_stopwords -> build_vocab -> to_sequences -> pad

`tokenize` splits at one of four token levels (TOKEN_LEVELS): whitespace
words (eojeol for Korean), morphemes (Kiwi, trainer.morphemes: "영화였다" ->
영화 이 었 다), characters, or words with common Korean particles split off by
a rule. The rule is the generated corpus's level and the one uploads used
before the levels existed, so their numbers stay what they were; morphemes
are what real Korean text needs (a review's eojeol are mostly unseen words).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from trainer import morphemes

PAD, OOV = "<pad>", "<oov>"  # indices 0 and 1 in every vocabulary

STOPWORDS_EN = frozenset(
    """a an the and or but if of to in on at by for with from as is am are was were be been being
it its this that these those i me my we our you your he him his she her they them their there here so than then
too very just about into over after before again once do does did doing have has had having will would shall
should can could may might must what which who whom whose when where why how all any both each few more most
other some such own same s t""".split()
)
STOPWORDS_KO = frozenset(
    """은 는 이 가 을 를 에 에서 의 도 으로 로 와 과 한테 께 만 까지 부터 보다 이다 그 저 것 수 등
및 또 또한 그리고 하지만 그런데 그래서 이런 저런 그런 좀 잘 더 정말 너무 아주 진짜 이번 그냥""".split()
)
# Particles split off the end of a Korean word, longest first.
PARTICLES_KO = sorted(
    "은 는 이 가 을 를 에 에서 의 도 으로 로 와 과 한테 께 만 까지 부터 보다 에게 처럼 이나 나 랑 이랑".split(),
    key=len,
    reverse=True,
)

_URL = re.compile(r"(https?://|www\.)\S+")
_TAG = re.compile(r"<[^>]{0,200}>")
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_NOT_WORD = re.compile(r"[^\w\s']|_")  # punctuation, symbols, emoji
_REPEAT = re.compile(r"(.)\1{2,}")  # "sooooo" -> "soo", "ㅋㅋㅋㅋ" -> "ㅋㅋ"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

TOKEN_LEVELS = {
    "word": "whitespace words: eojeol for Korean, words for English",
    "morpheme": "morphemes from the Kiwi analyser (Korean; English words stay whole)",
    "char": "characters (spaces left out; stop words are not removed)",
    "particles": "words with common Korean particles split off by a rule",
}


@dataclass(frozen=True)
class TextOptions:
    """The pipeline's choices, stored with a dataset so training and
    prediction process text the same way."""

    lowercase: bool = True
    remove_stopwords: bool = True
    stopwords_en: frozenset = STOPWORDS_EN
    stopwords_ko: frozenset = STOPWORDS_KO
    max_vocab: int = 1000
    coverage: float = 0.95  # pad/cut to the length that covers this share of texts
    max_length: int | None = None  # a fixed length instead of the coverage rule
    tokens: str = "particles"  # a TOKEN_LEVELS key; "particles" is what every set used before the levels


def clean(text: str, lowercase: bool = True) -> str:
    """Noise canceling: Unicode NFKC, lower-case, drop markup / URLs / e-mail
    addresses / symbols and emoji, squeeze repeated characters and spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _TAG.sub(" ", _EMAIL.sub(" ", _URL.sub(" ", text)))
    if lowercase:
        text = text.lower()
    text = _NOT_WORD.sub(" ", text)
    text = _REPEAT.sub(r"\1\1", text)
    return " ".join(text.split())


def _split_particle(word):
    if _HANGUL.search(word[-1:] or ""):
        for particle in PARTICLES_KO:
            if word.endswith(particle) and len(word) > len(particle):
                return [word[: -len(particle)], particle]
    return [word]


def tokenize(text: str, level: str = "particles") -> list[str]:
    """A cleaned text -> tokens at `level` (see TOKEN_LEVELS)."""
    return tokenize_all([text], level)[0]


def tokenize_all(texts: Sequence[str], level: str = "particles") -> list[list[str]]:
    """Cleaned texts -> a token list each; morphemes are analysed in one batch."""
    if level == "morpheme":  # Kiwi splits "wasn't" at the apostrophe: the apostrophe alone is no token
        return [[t for t in tokens if t != "'"] for tokens in morphemes.split(texts)]
    if level == "char":
        return [[c for c in text if not c.isspace() and c != "'"] for text in texts]
    words = [[w for w in (w.strip("'") for w in text.split()) if w] for text in texts]
    if level == "word":
        return words
    if level != "particles":
        raise ValueError(f"unknown token level {level!r}; one of {', '.join(TOKEN_LEVELS)}")
    return [[t for w in ws for t in _split_particle(w)] for ws in words]


def remove_stopwords(tokens: Iterable[str], stopwords: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in stopwords]


def _drops_stopwords(options):
    return options.remove_stopwords and options.tokens != "char"  # "이", "a": single letters are not stop words


def build_vocab(token_lists: Iterable[list[str]], max_size: int) -> tuple[list[str], dict[str, int]]:
    """Frequency-ranked vocabulary (ties alphabetical): [PAD, OOV, ...] and the counts."""
    counts = Counter(t for tokens in token_lists for t in tokens)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, max_size - 2)]
    return [PAD, OOV] + [w for w, _ in ranked], dict(ranked)


def to_sequences(token_lists: Iterable[list[str]], vocab: Sequence[str]) -> list[list[int]]:
    index = {w: i for i, w in enumerate(vocab)}
    return [[index.get(t, 1) for t in tokens] for tokens in token_lists]


def choose_length(lengths: Sequence[int], coverage: float = 0.95) -> int:
    """The length that covers `coverage` of the texts, so a few very long ones don't set it."""
    if not len(lengths):
        return 1
    return max(
        1, int(np.quantile(np.asarray(lengths), coverage, method="inverted_cdf"))
    )  # smallest L with >= coverage of texts <= L


def pad(sequences: Sequence[Sequence[int]], length: int) -> np.ndarray:
    """Post-pad with 0 and cut longer texts after `length` tokens: (n, length) int32."""
    out = np.zeros((len(sequences), length), np.int32)
    for i, seq in enumerate(sequences):
        seq = seq[:length]
        out[i, : len(seq)] = seq
    return out


def bag_of_words(padded: np.ndarray, vocab_size: int) -> np.ndarray:
    """(n, length) indices -> (n, vocab_size) counts, padding not counted."""
    out = np.zeros((len(padded), vocab_size), np.float32)
    rows = np.repeat(np.arange(len(padded)), padded.shape[1])
    np.add.at(out, (rows, padded.ravel()), 1.0)
    out[:, 0] = 0.0
    return out


def tokens_of(text: str, options: TextOptions) -> list[str]:
    """One text through clean, tokenize and stop-word removal."""
    return token_lists([text], options)[0]


def token_lists(texts: Iterable[str], options: TextOptions) -> list[list[str]]:
    """Texts through clean, tokenize and stop-word removal (a batch: one Kiwi call for morphemes)."""
    lists = tokenize_all([clean(t, options.lowercase) for t in texts], options.tokens)
    if _drops_stopwords(options):
        stopwords = options.stopwords_en | options.stopwords_ko
        lists = [remove_stopwords(tokens, stopwords) for tokens in lists]
    return lists


def level_stats(vocab: Iterable[str], train_lists: list[list[str]], test_lists: list[list[str]]) -> dict:
    """How well a vocabulary fits: the share of training tokens it covers, and the
    share of test tokens it does not know (they become <oov>)."""
    known = set(vocab[2:])
    train = sum(len(t) for t in train_lists)
    test = sum(len(t) for t in test_lists)
    covered = sum(1 for tokens in train_lists for t in tokens if t in known)
    unknown = sum(1 for tokens in test_lists for t in tokens if t not in known)
    return {
        "coverage": round(covered / train, 4) if train else 1.0,
        "oov_rate": round(unknown / test, 4) if test else 0.0,
        "distinct": len({t for tokens in train_lists for t in tokens}),
        "vocab_size": len(vocab),
    }


@dataclass(frozen=True)
class Pipeline:
    """A fitted pipeline: the options, the vocabulary and the sequence length."""

    options: TextOptions
    vocab: tuple
    counts: dict = field(hash=False, compare=False)
    length: int = 1
    stats: dict | None = field(
        default=None, hash=False, compare=False
    )  # level_stats of the set it was fitted on, if kept

    @classmethod
    def fit(cls, texts: Iterable[str], options: TextOptions = TextOptions()) -> Pipeline:
        return cls.fit_tokens(token_lists(texts, options), options)

    @classmethod
    def fit_tokens(cls, lists: list[list[str]], options: TextOptions = TextOptions()) -> Pipeline:
        """The same from texts already through `token_lists` (e.g. from trainer.reviews' cache)."""
        vocab, counts = build_vocab(lists, options.max_vocab)
        length = options.max_length or choose_length([len(t) for t in lists], options.coverage)
        return cls(options, tuple(vocab), counts, length)

    def encode(self, texts: Iterable[str]) -> np.ndarray:
        """texts -> (n, length) int32 token indices."""
        return self.encode_tokens(token_lists(texts, self.options))

    def encode_tokens(self, lists: list[list[str]]) -> np.ndarray:
        return pad(to_sequences(lists, self.vocab), self.length)

    def marked(self, text: str) -> list[dict]:
        """One text's kept tokens at this pipeline's level, each with whether it is out of the vocabulary."""
        known = set(self.vocab[2:])
        return [{"token": t, "oov": t not in known} for t in tokens_of(text, self.options)]

    def level(self, text: str) -> dict:
        """text_levels' entry for this pipeline alone (an uploaded set keeps one level)."""
        return {
            "level": self.options.tokens,
            "description": TOKEN_LEVELS[self.options.tokens],
            "current": True,
            "length": self.length,
            **(self.stats or {"vocab_size": len(self.vocab)}),
            "sentences": [self.marked(text)],
        }

    def explain(self, text: str) -> dict:
        """Each step's output for one text, for the dataset page and Predict."""
        cleaned = clean(text, self.options.lowercase)
        tokens = tokenize(cleaned, self.options.tokens)
        kept = (
            remove_stopwords(tokens, self.options.stopwords_en | self.options.stopwords_ko)
            if _drops_stopwords(self.options)
            else tokens
        )
        sequence = to_sequences([kept], self.vocab)[0]
        return {
            "text": text,
            "level": self.options.tokens,
            "cleaned": cleaned,
            "tokens": tokens,
            "kept": kept,
            "sequence": sequence,
            "oov": [t for t, i in zip(kept, sequence) if i == 1],
            "padded": pad([sequence], self.length)[0].tolist(),
            "truncated": len(sequence) > self.length,
        }
