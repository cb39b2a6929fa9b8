"""The translation steps end to end on a tiny synthetic corpus (a word-for-word 'language')."""
import json
import random

import pytest

from toolkit import cli
from toolkit.bin import (
    mt_average_checkpoints,
    mt_train,
    mt_translate,
    train_sentencepiece,
)
from toolkit.errors import InputError
from toolkit.mt.corpus import encode_parallel
from toolkit.mt.vocab import UnknownCounts, Vocabulary

EN = ["open", "close", "save", "the", "file", "menu", "new", "window", "print", "page", "help", "table",
      "insert", "delete", "format"]
FR = ["ouvrir", "fermer", "enregistrer", "le", "fichier", "menu", "nouveau", "fenêtre", "imprimer", "page",
      "aide", "tableau", "insérer", "supprimer", "format"]


def corpus(n, seed):
    rng = random.Random(seed)
    en, fr = [], []
    for _ in range(n):
        idx = [rng.randrange(len(EN)) for _ in range(rng.randint(2, 5))]
        en.append(" ".join(EN[i] for i in idx).capitalize())
        fr.append(" ".join(FR[i] for i in idx).capitalize())
    return en, fr


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    for name, n, seed in (("train", 300, 0), ("dev", 20, 1)):
        en, fr = corpus(n, seed)
        (d / f"{name}.en").write_text("\n".join(en) + "\n", encoding="utf-8")
        (d / f"{name}.fr").write_text("\n".join(fr) + "\n", encoding="utf-8")
    model = d / "spm" / "spm.model"
    args = ["--vocab-size", "80", str(d / "train.en"), str(d / "train.fr"), str(model)]
    assert train_sentencepiece.main(args) == 0
    first = model.read_bytes()
    assert train_sentencepiece.main(args) == 0
    assert model.read_bytes() == first  # deterministic
    assert (d / "spm" / "spm.vocab").read_text(encoding="utf-8").splitlines()[:4] == \
        ["<pad>\t0", "<unk>\t0", "<s>\t0", "</s>\t0"]
    return d


def test_vocabulary_ids_round_trip_and_unknowns(data):
    vocab = Vocabulary(data / "spm" / "spm.model")
    assert len(vocab) == 80
    text = "Imprimer la fenêtre"
    assert vocab.decode(vocab.encode(text)) == text
    unknown = UnknownCounts()
    ids = vocab.encode("Open 漢字 file", unknown)
    assert 1 in ids and unknown.tokens == 1 and unknown.sentences == 1 and set(unknown.chars) == {"漢", "字"}
    kept = encode_parallel(vocab, ["open file", "open " * 40], ["ouvrir fichier", "ouvrir"], max_tokens=20)
    assert kept.lines == [1] and kept.skipped_long == 1
    with pytest.raises(InputError, match="no such SentencePiece model"):
        Vocabulary(data / "nope.model")


def test_language_tokens_are_control_pieces_after_the_special_ids(data, tmp_path):
    model = tmp_path / "spm.model"
    assert train_sentencepiece.main(["--vocab-size", "80", "--language-tokens", "en,fr", str(data / "train.en"),
                                     str(data / "train.fr"), str(model)]) == 0
    vocab = Vocabulary(model)
    assert (vocab.language_id("en"), vocab.language_id("fr")) == (4, 5)
    assert 4 not in vocab.encode("<2en> open the file") and 5 not in vocab.encode("<2fr>")  # text never makes them
    assert vocab.decode([5, *vocab.encode("ouvrir le fichier")]) == "ouvrir le fichier"
    with pytest.raises(InputError, match="no language token <2de>"):
        vocab.language_id("de")
    with pytest.raises(InputError, match="no language token <2en>"):
        Vocabulary(data / "spm" / "spm.model").language_id("en")
    assert cli.run(train_sentencepiece.main, ["--language-tokens", "en,en", str(data / "train.en"),
                                              str(tmp_path / "x.model")]) == 1


def test_train_average_translate(data, tmp_path, capsys):
    exp = tmp_path / "exp"
    common = ["--d-model", "32", "--heads", "2", "--ffn-dim", "64", "--encoder-layers", "1", "--decoder-layers", "1",
              "--max-tokens", "300", "--warmup-updates", "20", "--lr", "3e-3", "--num-threads", "1",
              "--log-every-updates", "0", "--bf16", str(data), str(data / "spm" / "spm.model"), str(exp)]
    assert mt_train.main(["--max-epochs", "2", *common]) == 0
    summary = json.loads((exp / "train_summary.json").read_text())
    assert summary["epochs"] == 2 and summary["history"][1]["valid"]["nll"] < summary["history"][0]["valid"]["nll"]
    assert summary["history"][0]["target_tokens_per_s"] > 0
    assert mt_average_checkpoints.main(["--last", "2", str(exp), str(exp / "avg.pt")]) == 0

    src = tmp_path / "in.en"
    src.write_text("Open the file\n\nSave the window\n", encoding="utf-8")
    out, nbest = tmp_path / "out.fr", tmp_path / "nbest.txt"
    assert mt_translate.main(["--beam", "3", "--nbest", "2", "--nbest-out", str(nbest), "--num-threads", "1",
                              str(exp / "avg.pt"), str(data / "spm" / "spm.model"), str(src), str(out)]) == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""  # three lines, the empty one kept empty
    entries = [line.split(" ||| ") for line in nbest.read_text(encoding="utf-8").splitlines()]
    assert [e[0] for e in entries] == ["0", "0", "2", "2"]
    assert entries[0][1] == lines[0] and float(entries[0][3]) >= float(entries[1][3])

    (data / "bad.en").write_text("a\nb\n", encoding="utf-8")
    (data / "bad.fr").write_text("a\n", encoding="utf-8")
    from toolkit import cli
    assert cli.run(mt_train.main, ["--train-set", "bad", *common]) == 1
    assert "bad.fr: 1 lines, but its source side" in capsys.readouterr().err


def test_a_failing_sentence_keeps_the_others(data, tmp_path, monkeypatch, caplog):
    exp = tmp_path / "exp"
    assert mt_train.main(["--d-model", "16", "--heads", "2", "--ffn-dim", "32", "--encoder-layers", "1",
                          "--decoder-layers", "1", "--max-epochs", "1", "--num-threads", "1",
                          "--log-every-updates", "0",
                          str(data), str(data / "spm" / "spm.model"), str(exp)]) == 0
    from toolkit.mt import translate
    real = translate._beam_search
    vocab = Vocabulary(data / "spm" / "spm.model")
    poison = vocab.encode("Print the page")

    def search(model, options, seqs):
        if poison in seqs:
            raise RuntimeError("simulated failure")
        return real(model, options, seqs)

    monkeypatch.setattr(translate, "_beam_search", search)
    src, out = tmp_path / "in.en", tmp_path / "out.fr"
    src.write_text("Open the file\nPrint the page\nSave the window\n", encoding="utf-8")
    status = mt_translate.main(["--beam", "2", "--num-threads", "1", str(exp / "model_last.pt"),
                                str(data / "spm" / "spm.model"), str(src), str(out)])
    assert status == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and lines[1] == "" and lines[0] and lines[2]
    assert f"{src}:2: translation failed" in caplog.text
