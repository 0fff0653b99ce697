"""The built-in sentiment corpus, English and Korean, written by this project.

Reviews are generated from templates, deterministically for a seed. About
half of them hinge on word order ("good, not bad" against "bad, not good";
"좋지 않았다" against "좋았다"), so a bag-of-words model meets sentences it
cannot tell apart while an embedding + RNN model can: the lesson of why
order matters. Labels: 1 positive, 0 negative.
"""

import numpy as np

SUBJECTS_EN = [
    "the movie",
    "the film",
    "this book",
    "the food",
    "the service",
    "the hotel",
    "the show",
    "the game",
    "the concert",
    "this phone",
    "the story",
    "the acting",
    "the music",
    "the plot",
    "the staff",
    "the room",
]
POSITIVE_EN = [
    "good",
    "great",
    "excellent",
    "wonderful",
    "amazing",
    "fantastic",
    "lovely",
    "brilliant",
    "enjoyable",
    "perfect",
    "fun",
    "delightful",
]
NEGATIVE_EN = [
    "bad",
    "terrible",
    "awful",
    "boring",
    "horrible",
    "poor",
    "dull",
    "disappointing",
    "mediocre",
    "annoying",
    "ugly",
    "bland",
]
INTENSIFIERS_EN = ["really", "truly", "quite", "so", "very", ""]
VERBS_EN = {1: ["loved", "enjoyed", "liked", "adored"], 0: ["hated", "disliked", "regretted", "despised"]}

SUBJECTS_KO = [
    "이 영화",
    "그 책",
    "음식",
    "서비스",
    "호텔",
    "공연",
    "이 게임",
    "배우들의 연기",
    "음악",
    "줄거리",
    "직원",
    "방",
    "이 드라마",
    "그 식당",
]
# (past tense, negation stem for "…지 않았다")
POSITIVE_KO = [
    ("좋았다", "좋지"),
    ("훌륭했다", "훌륭하지"),
    ("재미있었다", "재미있지"),
    ("멋졌다", "멋지지"),
    ("즐거웠다", "즐겁지"),
    ("만족스러웠다", "만족스럽지"),
    ("감동적이었다", "감동적이지"),
    ("괜찮았다", "괜찮지"),
]
NEGATIVE_KO = [
    ("나빴다", "나쁘지"),
    ("지루했다", "지루하지"),
    ("실망스러웠다", "실망스럽지"),
    ("형편없었다", "형편없지"),
    ("재미없었다", "재미없지"),
    ("끔찍했다", "끔찍하지"),
    ("불편했다", "불편하지"),
    ("시끄러웠다", "시끄럽지"),
]
INTENSIFIERS_KO = ["정말", "너무", "아주", "진짜", "꽤", ""]


def _topic(noun):
    """은 after a final consonant (batchim), else 는."""
    last = noun[-1]
    has_batchim = "\uac00" <= last <= "\ud7a3" and (ord(last) - 0xAC00) % 28 != 0
    return noun + ("은" if has_batchim else "는")


def _pick(rng, items):
    return items[rng.integers(len(items))]


def english(rng: np.random.Generator) -> tuple[str, int]:
    s, label = _pick(rng, SUBJECTS_EN), int(rng.integers(2))
    same, other = (POSITIVE_EN, NEGATIVE_EN) if label else (NEGATIVE_EN, POSITIVE_EN)
    kind = rng.integers(5)
    if kind == 0:
        words = [s, "was", _pick(rng, INTENSIFIERS_EN), _pick(rng, same)]
    elif kind == 1:
        words = [s, "was", "not", _pick(rng, other)]
    elif kind == 2:
        words = [s, "was", _pick(rng, same) + ",", "not", _pick(rng, other)]
    elif kind == 3:
        words = [s, "was", "not", _pick(rng, other) + ",", "it", "was", _pick(rng, same)]
    else:
        words = ["i", _pick(rng, VERBS_EN[label]), s]
    return " ".join(w for w in words if w) + _pick(rng, [".", "!", "", "!!"]), label


def korean(rng: np.random.Generator) -> tuple[str, int]:
    s, label = _topic(_pick(rng, SUBJECTS_KO)), int(rng.integers(2))
    same, other = (POSITIVE_KO, NEGATIVE_KO) if label else (NEGATIVE_KO, POSITIVE_KO)
    kind = rng.integers(4)
    if kind == 0:
        words = [s, _pick(rng, INTENSIFIERS_KO), _pick(rng, same)[0]]
    elif kind == 1:
        words = [s, _pick(rng, other)[1], "않았다"]
    elif kind == 2:
        words = [s, _pick(rng, other)[1], "않고", _pick(rng, same)[0]]
    else:  # "I worried it would not be <other>, but it was <same>"
        words = [s, _pick(rng, other)[1], "않을까", "걱정했는데", _pick(rng, same)[0]]
    return " ".join(w for w in words if w) + _pick(rng, [".", "!", "", "~"]), label


def sentiment(samples: int, language: str = "both", seed: int = 0) -> tuple[list[str], np.ndarray]:
    """(texts, labels) of `samples` reviews; "both" alternates English and Korean."""
    rng = np.random.default_rng(seed)
    makers = {"en": [english], "ko": [korean], "both": [english, korean]}[language]
    rows = [makers[i % len(makers)](rng) for i in range(samples)]
    return [t for t, _ in rows], np.array([y for _, y in rows], np.int32)
