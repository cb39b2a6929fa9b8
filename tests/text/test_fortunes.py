import pytest

from toolkit.errors import InputError
from toolkit.text.fortunes import find_fortune_files, fortune_paragraphs, read_fortunes

SOURCE = """A clash of doctrine is not a disaster.
%
A fake fortuneteller can be tolerated.  But an authentic soothsayer
should be shot on sight.
\t\t-- R. A. Heinlein, with a
\t\tlong attribution
%
%
First paragraph here.

Second _\x08u_\x08n_\x08d_\x08e_\x08rlined paragraph.
%"""


def test_entries_and_paragraphs(tmp_path):
    (tmp_path / "wisdom").write_text(SOURCE)
    entries = read_fortunes(tmp_path / "wisdom")
    assert len(entries) == 3
    assert [fortune_paragraphs(e) for e in entries] == [
        ["A clash of doctrine is not a disaster."],
        ["A fake fortuneteller can be tolerated. But an authentic soothsayer should be shot on sight."],
        ["First paragraph here.", "Second underlined paragraph."],
    ]


def test_find_skips_indexes_links_and_offensive(tmp_path):
    for name in ("wisdom", "wisdom.dat", "off/rude", "sub/tao"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n%\n")
    (tmp_path / "wisdom.u8").symlink_to("wisdom")
    (tmp_path / "alias").symlink_to("wisdom")
    assert [i for i, _ in find_fortune_files(tmp_path)] == ["sub/tao", "wisdom"]


def test_bad_input_names_the_file(tmp_path):
    (tmp_path / "bad").write_bytes(b"caf\xe9\n%\n")
    with pytest.raises(InputError, match="bad: not UTF-8"):
        read_fortunes(tmp_path / "bad")
    with pytest.raises(InputError, match="nowhere: not a directory"):
        find_fortune_files(tmp_path / "nowhere")
