"""FST archives: round trip (graphs stay valid after the reader moves on), errors, atomic writing."""
import kaldifst
import pytest

from toolkit.errors import InputError
from toolkit.io.fst_archive import read_fst_archive, write_fst_archive


def test_round_trip(tmp_path):
    ark = tmp_path / "fsts.ark"
    items = [(f"utt{i}", kaldifst.make_linear_acceptor(list(range(1, i + 2)))) for i in range(20)]
    assert write_fst_archive(ark, items) == 20
    back = list(read_fst_archive(ark))  # all kept: each must outlive the reader's next()
    assert [k for k, _ in back] == [k for k, _ in items]
    for (_, fst), (_, orig) in zip(back, items):
        assert kaldifst.get_linear_symbol_sequence(fst)[1] == kaldifst.get_linear_symbol_sequence(orig)[1]


def test_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_fst_archive(tmp_path / "none.ark"))
    bad = tmp_path / "bad.ark"
    bad.write_text("u1 not an fst\n")
    with pytest.raises(InputError, match="bad.ark"):
        list(read_fst_archive(bad))
    ark = tmp_path / "dup.ark"
    f = kaldifst.make_linear_acceptor([1])
    with pytest.raises(InputError, match="written twice"):
        write_fst_archive(ark, [("a", f), ("a", f)])
    with pytest.raises(InputError, match="white space"):
        write_fst_archive(ark, [("a b", f)])
    assert not ark.exists()
