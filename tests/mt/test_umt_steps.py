"""Unsupervised translation end to end on a toy pair of languages with a one-to-one word mapping:
word-by-word back-translation, then training with auto-encoding, back-translation and the
adversarial term, then decoding with the language start tokens. No training sentence of one
language is a translation of one of the other."""
import json
import random

import pytest
import torch

from toolkit import cli
from toolkit.bin import (
    mt_translate,
    score_bleu,
    train_sentencepiece,
    translate_word_by_word,
    umt_train,
)
from toolkit.mt.transformer import load_model

EN = ["open", "close", "save", "file", "menu", "new", "window", "print", "page", "help", "table", "insert"]
FR = ["ouvrir", "fermer", "enregistrer", "fichier", "menu", "nouveau", "fenêtre", "imprimer", "page", "aide",
      "tableau", "insérer"]
SMALL = ["--d-model", "32", "--heads", "2", "--ffn-dim", "64", "--encoder-layers", "1", "--decoder-layers", "1",
         "--dropout", "0", "--max-tokens", "300", "--warmup-updates", "20", "--lr", "3e-3", "--num-threads", "1",
         "--log-every-updates", "0", "--discriminator-hidden", "16"]


def sentences(words, n, seed):
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))) for _ in range(n)]


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    d = tmp_path_factory.mktemp("umt")
    to_fr = dict(zip(EN, FR))
    en = sentences(EN, 300, 0)
    translations = {" ".join(to_fr[w] for w in s.split()) for s in en}
    fr = [s for s in sentences(FR, 400, 1) if s not in translations][:300]  # no parallel signal
    mono = {"en": write(d / "mono.en", en), "fr": write(d / "mono.fr", fr)}
    test_en = sentences(EN, 30, 2)
    write(d / "test.en", test_en)
    write(d / "test.fr", [" ".join(to_fr[w] for w in s.split()) for s in test_en])
    lexicon = {"en-fr": write(d / "lex.en-fr", [f"{e}\t{f}" for e, f in zip(EN, FR)]),
               "fr-en": write(d / "lex.fr-en", [f"{f}\t{e}" for e, f in zip(EN, FR)])}
    spm = str(d / "spm.model")
    assert train_sentencepiece.main(["--vocab-size", "60", "--language-tokens", "en,fr", mono["en"], mono["fr"],
                                     spm]) == 0
    for src, tgt in (("en", "fr"), ("fr", "en")):
        assert translate_word_by_word.main([lexicon[f"{src}-{tgt}"], mono[src], str(d / f"bt.{src}.{tgt}")]) == 0
    return d, mono, spm


def test_no_training_sentence_is_a_translation_of_the_others(toy):
    d, mono, _ = toy
    to_fr = dict(zip(EN, FR))
    fr = set((d / "mono.fr").read_text(encoding="utf-8").splitlines())
    translated = {" ".join(to_fr[w] for w in s.split()) for s in (d / "mono.en").read_text(encoding="utf-8").split("\n")
                  if s}
    assert len((d / "mono.fr").read_text(encoding="utf-8").splitlines()) == 300 and not translated & fr


def test_one_iteration_learns_to_translate_without_parallel_data(toy):
    d, mono, spm = toy
    out = d / "iter1"
    # the toy's word order is random, so a shuffled source cannot tell the order back: the
    # back-translations go in clean (the auto-encoding examples keep the noise)
    args = [*SMALL, "--max-epochs", "25", "--no-noise-translations", "--mono", f"en={mono['en']}", "--mono", f"fr={mono['fr']}",
            "--bt", f"fr-en={d / 'bt.en.fr'},{mono['en']}", "--bt", f"en-fr={d / 'bt.fr.en'},{mono['fr']}",
            "--valid", f"en={mono['en']}", spm, str(out)]
    assert umt_train.main(args) == 0
    summary = json.loads((out / "train_summary.json").read_text())
    assert summary["epochs"] == 25 and 0.0 <= summary["discriminator_accuracy"] <= 1.0
    hyp = d / "hyp.fr"
    assert mt_translate.main(["--beam", "2", "--target-lang", "fr", "--num-threads", "1", str(out / "model_last.pt"),
                              spm, str(d / "test.en"), str(hyp)]) == 0
    assert score_bleu.main(["--json", str(d / "scores.json"), str(hyp), str(d / "test.fr")]) == 0
    # copying the source scores 0 here; the tiny model reaches 26 (a supervised one on the same
    # pairs, without the other terms, 20)
    assert json.loads((d / "scores.json").read_text())["bleu"] > 15
    # resuming a finished run changes nothing; a bad --bt or a language without text is refused
    assert umt_train.main(args) == 0
    assert cli.run(umt_train.main, [*SMALL, "--mono", f"en={mono['en']}", spm, str(d / "x")]) == 1
    assert cli.run(umt_train.main, [*SMALL, "--mono", f"en={mono['en']}", "--mono", f"fr={mono['fr']}",
                                    "--bt", f"en-en={mono['en']},{mono['en']}", spm, str(d / "x")]) == 1


def test_next_iteration_starts_from_the_previous_model_and_the_supervised_mode(toy):
    d, mono, spm = toy
    data = ["--mono", f"en={mono['en']}", "--mono", f"fr={mono['fr']}",
            "--bt", f"fr-en={d / 'bt.en.fr'},{mono['en']}", "--bt", f"en-fr={d / 'bt.fr.en'},{mono['fr']}"]
    assert umt_train.main([*SMALL, "--max-epochs", "1", *data, spm, str(d / "first")]) == 0
    first = load_model(str(d / "first" / "model_last.pt"))
    # a learning rate of ~0: the next iteration's model is the previous one, with its shape
    # (the default --d-model 256 is ignored; dropout is an option of training) and a fresh discriminator
    assert umt_train.main(["--max-epochs", "1", "--lr", "1e-12", "--warmup-init-lr", "1e-12", "--num-threads", "1",
                           "--dropout", "0",
                           "--discriminator-hidden", "16", "--init", str(d / "first" / "model_last.pt"), *data, spm,
                           str(d / "second")]) == 0
    second = load_model(str(d / "second" / "model_last.pt"))
    assert second.config == first.config
    for (name, a), b in zip(first.state_dict().items(), second.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name
    # supervised: real pairs in both directions, no auto-encoding, no discriminator, no --mono
    pairs = ["--bt", f"en-fr={d / 'test.en'},{d / 'test.fr'}", "--bt", f"fr-en={d / 'test.fr'},{d / 'test.en'}"]
    assert umt_train.main([*SMALL, "--max-epochs", "2", "--auto-weight", "0", "--adv-weight", "0",
                           "--no-noise-translations", *pairs, spm, str(d / "supervised")]) == 0
    assert json.loads((d / "supervised" / "train_summary.json").read_text())["epochs"] == 2
