"""word2vec text format: round trip, the first-rows limit, and bad input named by file:line."""
import re

import numpy as np
import pytest

from toolkit.embed.vectors import read_vectors, write_vectors
from toolkit.errors import InputError, ToolkitError


def test_round_trip_keeps_words_order_and_values(tmp_path):
    rng = np.random.default_rng(0)
    words = ["de", "la", "l'", "e-mail", "été", "3"]
    vecs = (rng.standard_normal((6, 4)) * 10.0 ** rng.integers(-6, 3, size=(6, 4))).astype(np.float32)
    write_vectors(tmp_path / "v.txt", words, vecs)
    assert (tmp_path / "v.txt").read_text(encoding="utf-8").splitlines()[0] == "6 4"
    got_words, got = read_vectors(tmp_path / "v.txt")
    assert got_words == words and got.dtype == np.float32 and got.shape == (6, 4)
    np.testing.assert_allclose(got, vecs, rtol=1e-6)
    first, part = read_vectors(tmp_path / "v.txt", limit=2)
    assert first == words[:2] and np.array_equal(part, got[:2])


def test_reads_foreign_files_with_trailing_space_and_crlf(tmp_path):
    (tmp_path / "v.txt").write_bytes(b"2 3\r\nthe 0.1 -2 3e-2 \r\nof 1 2 3\r\n")
    words, vecs = read_vectors(tmp_path / "v.txt")
    assert words == ["the", "of"]
    np.testing.assert_allclose(vecs, [[0.1, -2, 0.03], [1, 2, 3]], rtol=1e-7)


@pytest.mark.parametrize("content, line, what", [
    ("", 1, "bad header"),
    ("3\n", 1, "bad header"),
    ("2 x\n", 1, "bad header"),
    ("2 -3\n", 1, "bad header"),
    ("2 2\na 1 2\nb 1\n", 3, "found 1 after 'b'"),
    ("2 2\na 1 2\nb 1 2 3\n", 3, "found 3 after 'b'"),
    ("2 2\na 1 2\nb 1 x\n", 3, "non-numeric"),
    ("2 2\na 1 2\na 3 4\n", 3, "repeated (first at line 2)"),
    ("1 2\na 1 2\nb 3 4\n", 3, "more rows"),
    ("2 2\na 1 nan\nb 3 4\n", 2, "non-finite"),
])
def test_bad_input_names_file_and_line(tmp_path, content, line, what):
    path = tmp_path / "v.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(what)) as e:
        read_vectors(path)
    assert e.value.path == str(path) and e.value.line == line


def test_missing_rows_and_file(tmp_path):
    (tmp_path / "v.txt").write_text("3 1\na 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="1 rows, but the header announces 3"):
        read_vectors(tmp_path / "v.txt")
    with pytest.raises(InputError, match="no such file"):
        read_vectors(tmp_path / "absent.txt")


def test_write_refuses_unwritable_words_and_leaves_nothing(tmp_path):
    with pytest.raises(ToolkitError, match="white space"):
        write_vectors(tmp_path / "v.txt", ["a b"], np.zeros((1, 2)))
    with pytest.raises(ToolkitError, match="shape"):
        write_vectors(tmp_path / "v.txt", ["a", "b"], np.zeros((1, 2)))
    assert list(tmp_path.iterdir()) == []
