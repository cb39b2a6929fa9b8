"""The dictionary directory from CMU: digit pronunciations, missing words, extra lexicon, file format."""
import pytest

from toolkit import cli
from toolkit.bin import prepare_dict as step
from toolkit.errors import InputError
from toolkit.lang.cmu import cmu_dict_dir, cmu_phones, cmu_pronunciations
from toolkit.lang.dict_dir import read_dict_dir
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.lang.vocabulary import read_vocabulary

# The digits as Kaldi's digit recipes pronounce them from the CMU dictionary.
DIGIT_PRONS = {
    "oh": [("OW",)],
    "zero": [("Z", "IH", "R", "OW"), ("Z", "IY", "R", "OW")],
    "one": [("W", "AH", "N")],
    "two": [("T", "UW")],
    "three": [("TH", "R", "IY")],
    "four": [("F", "AO", "R")],
    "five": [("F", "AY", "V")],
    "six": [("S", "IH", "K", "S")],
    "seven": [("S", "EH", "V", "AH", "N")],
    "eight": [("EY", "T")],
    "nine": [("N", "AY", "N")],
}


def test_cmu_has_39_stressless_phones():
    phones = cmu_phones()
    assert len(phones) == 39 and len(set(phones)) == 39
    assert not any(ch.isdigit() for p in phones for ch in p)
    assert {"AA", "ZH", "NG", "OW"} <= set(phones)


def test_digit_pronunciations():
    cmu = cmu_pronunciations()
    assert {w: list(cmu[w]) for w in DIGIT_PRONS} == DIGIT_PRONS


def digits_vocab(tmp_path, extra_line=""):
    text = tmp_path / "text"
    text.write_text("utt1 oh zero one two three\nutt2 four five six seven\nutt3 eight nine oh\n" + extra_line)
    return text, read_vocabulary([text])


def test_digit_dictionary_directory(tmp_path):
    _, vocab = digits_vocab(tmp_path)
    assert vocab["oh"].count == 2 and (vocab["oh"].path, vocab["oh"].line) == (str(tmp_path / "text"), 1)
    d, missing = cmu_dict_dir(vocab)
    assert missing == {}
    lexicon = {}
    for e in d.lexicon:
        lexicon.setdefault(e.word, []).append(e.phones)
    assert lexicon == {**DIGIT_PRONS, "!SIL": [("SIL",)], "<UNK>": [("SPN",)]}
    assert [e.word for e in d.lexicon] == sorted(e.word for e in d.lexicon)
    assert d.silence_phones == [["SIL"], ["SPN"]] and d.optional_silence == "SIL"
    assert d.extra_questions == [["SIL", "SPN"]]
    used = sorted({p for prons in DIGIT_PRONS.values() for pron in prons for p in pron})
    assert sorted(p for (p,) in d.nonsilence_phones) == used
    assert len(cmu_dict_dir(vocab, phone_set="all")[0].nonsilence_phones) == 39


def test_missing_word_is_an_error_naming_word_and_place(tmp_path):
    text, vocab = digits_vocab(tmp_path, "utt4 one frobnicatorz two\n")
    with pytest.raises(InputError) as e:
        cmu_dict_dir(vocab)
    assert str(e.value).startswith(f"{text}:4: word 'frobnicatorz' is not in the CMU pronouncing dictionary")


def test_missing_words_mapped_to_unk_are_reported(tmp_path):
    _, vocab = digits_vocab(tmp_path, "utt4 one frobnicatorz two frobnicatorz\n")
    d, missing = cmu_dict_dir(vocab, map_missing_to_unk=True)
    assert list(missing) == ["frobnicatorz"] and missing["frobnicatorz"].count == 2
    assert "frobnicatorz" not in {e.word for e in d.lexicon}


def test_extra_lexicon_overrides_and_adds_and_case_is_kept(tmp_path):
    text = tmp_path / "text"
    text.write_text("u1 ZERO OH frobnicatorz\n")
    extra = [E("ZERO", ("Z", "IY1", "R", "OW0")), E("frobnicatorz", ("F", "R", "AA1", "B"))]
    d, _ = cmu_dict_dir(read_vocabulary([text]), extra_lexicon=extra)
    entries = [(e.word, e.phones) for e in d.lexicon]
    assert ("ZERO", ("Z", "IY", "R", "OW")) in entries and ("ZERO", ("Z", "IH", "R", "OW")) not in entries
    assert ("OH", ("OW",)) in entries and ("frobnicatorz", ("F", "R", "AA", "B")) in entries
    with pytest.raises(InputError, match="extra:2: phone 'QQ' of 'x' is not a CMU phone"):
        bad = [E("ZERO", ("Z",)), E("x", ("QQ",))]
        cmu_dict_dir(read_vocabulary([text]), extra_lexicon=bad, extra_lexicon_name="extra")


def test_step_writes_kaldi_dict_dir_that_reads_back(tmp_path, capsys):
    text, _ = digits_vocab(tmp_path, "utt4 one frobnicatorz\n")
    out = tmp_path / "dict"
    assert cli.run(step.main, ["--text", str(text), str(out)]) == 1
    assert f"{text}:4: word 'frobnicatorz'" in capsys.readouterr().err
    assert not out.exists()
    assert cli.run(step.main, ["--text", str(text), "--map-oov-to-unk", "true", str(out)]) == 0
    assert (out / "missing_words.txt").read_text() == f"frobnicatorz 1 {text}:4\n"
    assert (out / "silence_phones.txt").read_text() == "SIL\nSPN\n"
    assert (out / "optional_silence.txt").read_text() == "SIL\n"
    lexicon = (out / "lexicon.txt").read_text().splitlines()
    assert lexicon[:3] == ["!SIL SIL", "<UNK> SPN", "eight EY T"]
    assert "zero Z IH R OW" in lexicon and "zero Z IY R OW" in lexicon
    assert not (out / "lexiconp.txt").exists()
    d = read_dict_dir(out)
    assert len(d.lexicon) == len(lexicon)


@pytest.mark.parametrize(
    "file, content, message",
    [
        ("lexicon.txt", "a x\nb q\n", "lexicon.txt:2: phone 'q' of 'b' is in neither"),
        ("lexicon.txt", "a x\na x\n", "lexicon.txt:2: pronunciation 'x' of 'a' repeated"),
        ("lexicon.txt", "a x\n<s> x\n", "lexicon.txt:2: '<s>' is reserved"),
        ("lexicon.txt", "a x\nb\n", "lexicon.txt:2: 'b' has an empty pronunciation"),
        ("nonsilence_phones.txt", "x\nSIL\n", "nonsilence_phones.txt:2: phone 'SIL' listed twice"),
        ("optional_silence.txt", "x\n", "optional_silence.txt:1: optional silence 'x' is not in"),
        ("extra_questions.txt", "SIL q\n", "extra_questions.txt:1: unknown phone 'q'"),
        ("lexiconp.txt", "a 1.5 x\n", "lexiconp.txt:1: pronunciation probability of 'a' must be in"),
    ],
)
def test_bad_dictionary_directory_names_file_and_line(tmp_path, file, content, message):
    files = {
        "lexicon.txt": "a x\n",
        "silence_phones.txt": "SIL\n",
        "nonsilence_phones.txt": "x\n",
        "optional_silence.txt": "SIL\n",
        file: content,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(InputError) as e:
        read_dict_dir(tmp_path)
    assert message in str(e.value)
