"""OpenFst binary files: write atomically, read vector and const FSTs, reject anything else by name."""
import kaldifst
import pytest

from toolkit.errors import InputError
from toolkit.io.fst import read_fst, write_fst


def small_fst():
    fst = kaldifst.StdVectorFst()
    a, b = fst.add_state(), fst.add_state()
    fst.start = a
    fst.add_arc(a, kaldifst.StdArc(3, 4, 0.5, b))
    fst.add_arc(b, kaldifst.StdArc(5, 0, 1.25, a))
    fst.set_final(b, 2.0)
    return fst


def arcs(fst):
    return [
        (s, x.ilabel, x.olabel, x.weight.value, x.nextstate)
        for s in kaldifst.StateIterator(fst)
        for x in kaldifst.ArcIterator(fst, s)
    ]


def test_round_trip_keeps_every_arc_and_leaves_no_temporary(tmp_path):
    write_fst(small_fst(), tmp_path / "a.fst")
    back = read_fst(tmp_path / "a.fst")
    assert arcs(back) == [(0, 3, 4, 0.5, 1), (1, 5, 0, 1.25, 0)]
    assert back.start == 0 and back.final(1).value == 2.0
    assert [p.name for p in tmp_path.iterdir()] == ["a.fst"]
    # Readable by kaldifst directly, as Kaldi's tools would read it.
    assert arcs(kaldifst.StdVectorFst.read(str(tmp_path / "a.fst"))) == arcs(back)


def test_const_fst_is_read_as_a_vector_fst(tmp_path):
    kaldifst.StdConstFst(small_fst()).write(str(tmp_path / "c.fst"))
    back = read_fst(tmp_path / "c.fst")
    assert isinstance(back, kaldifst.StdVectorFst) and arcs(back) == arcs(small_fst())


def test_missing_or_foreign_files_are_named(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_fst(tmp_path / "none.fst")
    (tmp_path / "text.fst").write_text("0 1 3 4\n1\n")
    with pytest.raises(InputError, match=f"{tmp_path / 'text.fst'}: not an OpenFst binary file"):
        read_fst(tmp_path / "text.fst")
    write_fst(small_fst(), tmp_path / "cut.fst")
    data = (tmp_path / "cut.fst").read_bytes()
    (tmp_path / "cut.fst").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="could not read the vector FST"):
        read_fst(tmp_path / "cut.fst")
