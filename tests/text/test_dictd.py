import gzip

import pytest

from toolkit import cli
from toolkit.bin import extract_freedict_lexicon
from toolkit.errors import InputError
from toolkit.text.dictd import (
    Entry,
    decode_number,
    freedict_index,
    parse_definition,
    read_dictd,
)


def b64(n: int) -> str:
    """dictd's base-64 number, most significant digit first (independent of the reader)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = alphabet[n % 64]
    while n >= 64:
        n //= 64
        out = alphabet[n % 64] + out
    return out


DEFINITIONS = [
    ("00databaseinfo", "English-French test dictionary\n\n" + "A long description. " * 10 + "\n"),
    ("acquire", "acquire /əkwaiər/\n1. acquérir\n2. obtenir, gagner\n"),
    ("exceed", "exceed /iksiːd/ <v>\nexceed, surpass; outdo\n"),
    ("falloir", "falloir /falwaʀ/ <v>\n1.\n      \"Il faut faire\"\n You have to\n\n2. must\n"),
    ("veine", "veine /vɛn/ <n, fem>\n1. vein\n2. (wood) grain\n3.  [geol] seam\n"),
    ("emmener", "emmener <vt>\ntake (with one, or two), take away\n"),
    ("sarreter a", "s'arrêter à /saʀɛtea/ <v>\ncall at\n"),
]


def write_database(tmp_path, definitions=DEFINITIONS, extra_index_lines=(), compress=True, name="test-dict"):
    """NAME.index + NAME.dict(.dz) holding `definitions` in order; index lines sorted by key as dictfmt does."""
    blob, lines = b"", []
    for key, text in definitions:
        data = text.encode("utf-8")
        lines.append(f"{key}\t{b64(len(blob))}\t{b64(len(data))}")
        blob += data
    index = tmp_path / f"{name}.index"
    index.write_text("\n".join(sorted(lines) + list(extra_index_lines)) + "\n", encoding="utf-8")
    if compress:
        with gzip.open(tmp_path / f"{name}.dict.dz", "wb") as f:
            f.write(blob)
    else:
        (tmp_path / f"{name}.dict").write_bytes(blob)
    return index


EXPECTED = [
    Entry("acquire", ["acquérir", "obtenir", "gagner"]),
    Entry("exceed", ["exceed", "surpass", "outdo"]),
    Entry("falloir", ["must"]),
    Entry("veine", ["vein", "(wood) grain", "seam"]),
    Entry("emmener", ["take (with one, or two)", "take away"]),
    Entry("s'arrêter à", ["call at"]),
]


def test_base64_numbers():
    assert b64(64) == "BA" and b64(4095) == "//"
    assert [decode_number(b64(n)) for n in (0, 1, 63, 64, 65, 4096, 348226)] == [0, 1, 63, 64, 65, 4096, 348226]
    with pytest.raises(ValueError):
        decode_number("A-")


@pytest.mark.parametrize("compress", [True, False])
def test_reads_both_definition_styles_in_dict_order(tmp_path, compress):
    index = write_database(tmp_path, compress=compress)
    offsets = [line.split("\t")[1] for line in index.read_text().splitlines()]
    assert any(len(o) > 1 for o in offsets)  # the fixture exercises multi-digit positions
    assert read_dictd(index) == EXPECTED


def test_a_definition_shared_by_two_keys_is_read_once(tmp_path):
    index = write_database(tmp_path)
    acquire = next(line for line in index.read_text().splitlines() if line.startswith("acquire\t"))
    index.write_text(index.read_text() + acquire.replace("acquire", "acquiring") + "\n")
    assert read_dictd(index) == EXPECTED


def test_headword_line_parts():
    assert parse_definition("... à /ˈa/\n... to, from ... to\n") == Entry("... à", ["... to", "from ... to"])
    assert parse_definition("baby-sitter /(en)bˈeɪbi(fr) sitˈe/ <n, fem>\nbabysitter\n") == \
        Entry("baby-sitter", ["babysitter"])
    with pytest.raises(ValueError):
        parse_definition("  \nx\n")


def test_malformed_index_line_names_file_and_line(tmp_path):
    index = write_database(tmp_path, extra_index_lines=["broken line without tabs"])
    with pytest.raises(InputError) as e:
        read_dictd(index)
    assert str(e.value).startswith(f"{index}:{len(DEFINITIONS) + 1}: ")


def test_bad_digit_and_position_past_the_end(tmp_path):
    index = write_database(tmp_path, extra_index_lines=["zzz\tB*\tB"])
    with pytest.raises(InputError, match=rf"{index}:{len(DEFINITIONS) + 1}: bad offset"):
        read_dictd(index)
    index = write_database(tmp_path, extra_index_lines=["zzz\t////\tB"])
    with pytest.raises(InputError, match=rf"{index}:{len(DEFINITIONS) + 1}: .*past the end"):
        read_dictd(index)


def test_freedict_naming_and_missing_files(tmp_path):
    (tmp_path / "freedict-eng-fra.index").write_text("")
    with pytest.raises(InputError, match="freedict-eng-fra.index: no freedict-eng-fra.dict.dz"):
        freedict_index(tmp_path, "en", "fr")
    (tmp_path / "freedict-eng-fra.dict.dz").write_bytes(b"")
    assert freedict_index(tmp_path, "en", "fra") == tmp_path / "freedict-eng-fra.index"
    with pytest.raises(InputError, match="freedict-fra-eng.index: no such file"):
        freedict_index(tmp_path, "fr", "en")
    with pytest.raises(InputError, match="unknown language code"):
        freedict_index(tmp_path, "english", "fr")


def test_extract_step_writes_both_directions(tmp_path, capsys):
    write_database(tmp_path, [("00databaseshort", "test\n"), ("abc", "ABC /eibiːsiː/\n1. abc, alphabet\n"),
                              ("man", "man\nl'homme, homme\n"), ("sink", "sink\névier\n")], name="freedict-eng-fra")
    write_database(tmp_path, [("evier", "évier <n>\n(kitchen) sink\n"), ("l", "l' <art>\nthe, him\n"),
                              ("vitre", "vitre\nwindow pane, pane\n")], name="freedict-fra-eng")
    out = tmp_path / "lex"
    assert extract_freedict_lexicon.main([str(tmp_path), str(out)]) == 0
    assert (out / "lexicon.en-fr.tsv").read_text(encoding="utf-8") == \
        "abc\tabc\nabc\talphabet\nman\thomme\nsink\tévier\nthe\tl'\nhim\tl'\npane\tvitre\n"
    assert (out / "lexicon.fr-en.tsv").read_text(encoding="utf-8") == \
        "évier\tsink\nl'\tthe\nl'\thim\nvitre\tpane\nabc\tabc\nalphabet\tabc\nhomme\tman\n"
    status = cli.run(extract_freedict_lexicon.main, ["--tgt-lang", "de", str(tmp_path), str(out)])
    assert status == 1 and "freedict-eng-deu.index: no such file" in capsys.readouterr().err
