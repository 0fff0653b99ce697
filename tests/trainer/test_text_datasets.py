"""The real text sets (NSMC, UCI sentiment sentences), their token levels and the token cache."""

import numpy as np
import pytest

from trainer import codegen, datasets, inference, loop, presets, reviews, text, tokencache
from trainer.spec import SpecError, catalog, parse, parse_dataset


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty token cache folder, and no tokens remembered in this process."""
    monkeypatch.setenv("TRAINER_TOKEN_CACHE", str(tmp_path))
    monkeypatch.setattr(tokencache, "_memo", {})
    datasets._tokenized.cache_clear()
    datasets.text_split.cache_clear()
    datasets._level_stats.cache_clear()
    yield tmp_path
    datasets._tokenized.cache_clear()
    datasets.text_split.cache_clear()
    datasets._level_stats.cache_clear()


@pytest.mark.parametrize("name, rows, korean", [("nsmc", 30000, True), ("sentiment_en", 3000, False)])
def test_real_sets_load_balanced_with_credits(name, rows, korean):
    texts, labels, digest = reviews.load(name)
    assert len(texts) == len(labels) == rows and np.bincount(labels).tolist() == [rows // 2, rows // 2]
    assert all(t.strip() for t in texts) and len(digest) == 64
    assert any("\uac00" <= c <= "\ud7a3" for c in texts[0]) == korean
    info = datasets.BUILTIN[name]
    assert info.kind == "text" and info.max_samples == rows and info.credit
    assert {d["name"]: d["credit"] for d in catalog()["datasets"]}[name] == info.credit


def test_spec_fields_of_the_real_sets():
    ds = parse_dataset({"name": "nsmc"})
    assert (ds.tokens, ds.samples, ds.language) == ("morpheme", 30000, None)
    assert parse_dataset({"name": "sentiment_en"}).tokens == "word"
    for bad, path in [
        ({"tokens": "syllable"}, "dataset.tokens"),
        ({"language": "en"}, "dataset.language"),
        ({"samples": 30001}, "dataset.samples"),
        ({"representation": "bag_of_words", "vocab_size": 5000}, "dataset.vocab_size"),
    ]:  # 30,000 × 5,000 counts
        with pytest.raises(SpecError) as err:
            parse_dataset({"name": "nsmc", **bad})
        assert err.value.errors[0]["path"] == path


def test_old_specs_keep_their_tokens_and_numbers():
    """A generated-corpus spec without `tokens` splits particles by the rule, as before the levels."""
    d = presets.load("sentiment_rnn")
    assert "tokens" not in d["dataset"]
    spec = parse(d)
    assert spec.dataset.tokens == "particles" and spec.to_dict()["dataset"]["tokens"] == "particles"
    split, pipeline = datasets.text_split(spec.dataset)
    assert pipeline.length == 5 and len(pipeline.vocab) == 106  # the figures of the release before token levels
    assert pipeline.vocab[:8] == ("<pad>", "<oov>", "not", "않고", "않았다", "걱정했는데", "않을까", "movie")
    assert split.x_train[0].tolist() == [34, 58, 6, 5, 94] and split.y_train[:10].tolist() == [
        0,
        1,
        1,
        1,
        0,
        1,
        1,
        1,
        1,
        1,
    ]


def test_morphemes_are_tokenized_once_then_read_from_disk(cache, monkeypatch):
    ds = parse_dataset({"name": "nsmc", "samples": 40, "seed": 3})
    before = tokencache.tokenized["rows"]
    first = datasets.text_split(ds)
    assert tokencache.tokenized["rows"] - before == 40 and len(list(cache.glob("nsmc-*.npz"))) == 1
    # a new process: nothing in memory, and a tokenizer that must not be called
    monkeypatch.setattr(tokencache, "_memo", {})
    datasets._tokenized.cache_clear()
    datasets.text_split.cache_clear()
    monkeypatch.setattr(text, "tokenize_all", lambda *a: pytest.fail("tokenized again"))
    again = datasets.text_split(ds)
    np.testing.assert_array_equal(first[0].x_train, again[0].x_train)
    assert first[1].vocab == again[1].vocab and tokencache.tokenized["rows"] - before == 40


def test_cache_adds_missing_rows_and_is_keyed_by_options(cache):
    texts, _, digest = reviews.load("nsmc")
    options = text.TextOptions(tokens="morpheme")
    a = tokencache.token_lists("nsmc", digest, texts, [5, 1], options)
    before = tokencache.tokenized["rows"]
    b = tokencache.token_lists("nsmc", digest, texts, [1, 7], options)
    assert tokencache.tokenized["rows"] - before == 1 and b[0] == a[1]  # only row 7 was new
    assert a == text.token_lists([texts[5], texts[1]], options)
    assert tokencache.key("nsmc", digest, options) != tokencache.key(
        "nsmc", digest, text.TextOptions(tokens="morpheme", lowercase=False)
    )
    assert tokencache.key("nsmc", digest, options) != tokencache.key("nsmc", "0" * 64, options)


@pytest.mark.parametrize(
    "name, level",
    [("nsmc", "word"), ("nsmc", "morpheme"), ("nsmc", "char"), ("sentiment_en", "morpheme"), ("sentiment", "morpheme")],
)
def test_each_level_parses_and_trains(name, level, cache):
    d = {
        "version": 1,
        "dataset": {"name": name, "samples": 120, "tokens": level, "vocab_size": 200, "test_fraction": 0.25},
        "layers": [
            {"type": "embedding", "output_dim": 8},
            {"type": "gru", "units": 8},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
        "loss": "binary_crossentropy",
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 30,
        "epochs": 2,
        "seed": 0,
    }
    spec = parse(d)
    assert parse(spec.to_dict()) == spec and spec.to_dict()["dataset"]["tokens"] == level
    result = loop.run(spec, emit=lambda frames: None)
    assert result.status == "completed" and result.metrics["steps"] == 6 and np.isfinite(result.metrics["test_loss"])


def test_preview_and_predict_show_every_level(cache):
    d = {**presets.load("sentiment_en_gru"), "epochs": 1}
    d["dataset"] = {**d["dataset"], "samples": 200}
    spec = parse(d)
    preview = datasets.text_preview(spec.dataset, count=3, levels=True)
    assert datasets.text_preview(spec.dataset, count=3)["levels"] is None  # the thumbnails skip them
    assert [lv["level"] for lv in preview["levels"]] == ["word", "morpheme", "char"]
    assert [lv["current"] for lv in preview["levels"]] == [True, False, False] and preview["credit"]
    for level in preview["levels"]:
        assert len(level["sentences"]) == 3 and 0 <= level["oov_rate"] <= 1 and 0 < level["coverage"] <= 1
    assert (
        preview["levels"][2]["oov_rate"] < preview["levels"][0]["oov_rate"]
    )  # letters are rarely new; words often are
    word = preview["levels"][0]
    assert [t["token"] for t in word["sentences"][0]] == preview["samples"][0]["kept"]
    assert [t["token"] for t in word["sentences"][0] if t["oov"]] == preview["samples"][0]["oov"]

    result = loop.run(spec, emit=lambda frames: None)
    answer = inference.predict_text(spec, result.weights, "A wonderful, zzqx movie!")
    levels = {lv["level"]: lv for lv in answer["levels"]}
    assert [t["token"] for t in levels["word"]["tokens"]] == ["wonderful", "zzqx", "movie"]
    assert levels["word"]["tokens"][1]["oov"] and "sentences" not in levels["word"]
    assert levels["char"]["tokens"][:2] == [
        {"token": "a", "oov": False},
        {"token": "w", "oov": False},
    ]  # letters keep "a"


def test_exported_script_loads_kiwi_for_morphemes(cache):
    d = presets.load("nsmc_lstm")
    d["dataset"] = {**d["dataset"], "samples": 100}
    code = codegen.script(d)
    assert "from kiwipiepy import Kiwi" in code and "morphemes.use(Kiwi())" in code and 'tokens="morpheme"' in code
    compile(code, "script.py", "exec")
    assert "kiwipiepy" not in codegen.script(presets.load("sentiment_en_gru"))
