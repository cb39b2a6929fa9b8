"""Pharaoh alignment files: round trip, and errors that name the file and line."""
from __future__ import annotations

import pytest

from toolkit.align.pharaoh import (
    format_pharaoh,
    parse_pharaoh,
    read_pharaoh,
    write_pharaoh,
)
from toolkit.errors import InputError


def test_round_trip(tmp_path):
    alignments = [[(0, 0), (2, 1), (1, 2)], [], [(10, 3)]]
    path = tmp_path / "a.align"
    write_pharaoh(path, alignments)
    assert path.read_text() == "0-0 2-1 1-2\n\n10-3\n"
    assert read_pharaoh(path) == alignments
    assert read_pharaoh(path, lengths=[(3, 3), (1, 1), (11, 4)]) == alignments


def test_parse_and_format():
    assert parse_pharaoh("  3-4   0-0 ") == [(3, 4), (0, 0)]
    assert format_pharaoh([(3, 4), (0, 0)]) == "3-4 0-0"


@pytest.mark.parametrize("bad", ["0-1 2_3", "0-1 a-2", "0-1 -1-2", "0-1 1-", "0-1 1-2-3"])
def test_malformed_link_names_file_and_line(tmp_path, bad):
    path = tmp_path / "bad.align"
    path.write_text(f"0-0\n{bad}\n")
    with pytest.raises(InputError) as e:
        read_pharaoh(path)
    assert str(e.value).startswith(f"{path}:2: malformed alignment link")


def test_links_checked_against_lengths(tmp_path):
    path = tmp_path / "a.align"
    path.write_text("0-0\n0-0 1-3\n")
    with pytest.raises(InputError, match=r"a.align:2: link 1-3 outside a pair of 2 source and 3 target"):
        read_pharaoh(path, lengths=[(1, 1), (2, 3)])
    with pytest.raises(InputError, match="2 lines, but the corpus has 3"):
        read_pharaoh(path, lengths=[(1, 1), (2, 4), (1, 1)])
