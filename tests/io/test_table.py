"""Kaldi text tables: field splitting, specifiers, and errors that name file and line."""
import pytest

from toolkit.errors import InputError
from toolkit.io.table import iter_table, read_table, resolve_rxfilename, write_table


def test_fields_split_on_spaces_and_tabs_only(tmp_path):
    p = tmp_path / "text"
    p.write_text("a b  c \n\nk\u00a0x y\n  \nz\tq\r\nempty\n", encoding="utf-8")
    got = [tuple(e) for e in iter_table(p)]
    assert got == [(1, "a", "b  c"), (2, "", ""), (3, "k\u00a0x", "y"), (4, "", ""), (5, "z", "q"), (6, "empty", "")]


def test_read_table_rejects_blank_lines_and_duplicates(tmp_path):
    p = tmp_path / "utt2spk"
    p.write_text("u1 s1\nu2 s1\nu1 s2\n")
    with pytest.raises(InputError, match=rf"{p}:3: duplicate key 'u1' \(first on line 1\)"):
        read_table(p)
    p.write_text("u1 s1\n\nu2 s1\n")
    with pytest.raises(InputError, match=rf"{p}:2: blank line"):
        read_table(p)
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "missing")


def test_specifiers_and_round_trip(tmp_path):
    assert resolve_rxfilename("ark:foo") == "foo" and resolve_rxfilename("ark,t:foo") == "foo"
    assert resolve_rxfilename("foo") == "foo"
    with pytest.raises(InputError, match="scp specifier"):
        resolve_rxfilename("scp:foo.scp")
    p = tmp_path / "sub" / "text"
    write_table(p, [("u1", "hello world"), ("u2", "")])
    assert p.read_text() == "u1 hello world\nu2\n"
    assert read_table(f"ark:{p}") == {"u1": "hello world", "u2": ""}
