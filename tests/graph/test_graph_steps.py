"""The steps make_graph, compile_train_graphs and show_alignments on the digits lang and a flat-start model."""
import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import compile_train_graphs, make_graph, show_alignments
from toolkit.gmm.init_mono import init_mono_gmm
from toolkit.gmm.model import save_model
from toolkit.hmm.alignment import equal_alignment, split_to_phones
from toolkit.io.archive import write_int_vectors
from toolkit.io.fst import read_fst
from toolkit.io.fst_archive import read_fst_archive


@pytest.fixture(scope="module")
def model_dir(digits, tmp_path_factory):
    _, ctx, tm = digits
    d = tmp_path_factory.mktemp("mono")
    save_model(d / "final.mdl", tm, ctx, init_mono_gmm(ctx.num_pdfs, np.zeros(3), np.ones(3)))
    return d


def test_make_graph_step(digits, model_dir, tmp_path, capsys):
    lang, _, _ = digits
    argv = [str(lang.path), str(model_dir), str(tmp_path / "graph")]
    assert cli.run(make_graph.main, argv) == 0
    assert read_fst(tmp_path / "graph" / "HCLG.fst").num_states > 0
    capsys.readouterr()
    assert cli.run(make_graph.main, argv) == 0
    assert "up to date" in capsys.readouterr().err
    assert cli.run(make_graph.main, [str(lang.path), str(tmp_path / "none.mdl"), str(tmp_path / "g2")]) == 1


def test_compile_train_graphs_and_show_alignments(digits, model_dir, tmp_path, capsys):
    lang, _, tm = digits
    text = tmp_path / "text"
    text.write_text("u1 two oh\nu2 nine\nu3 five banana\n")
    fsts = tmp_path / "fsts.1.ark"
    argv = [str(lang.path), str(model_dir / "final.mdl"), str(text), str(fsts)]
    assert cli.run(compile_train_graphs.main, argv) == 0
    graphs = dict(read_fst_archive(fsts))
    assert list(graphs) == ["u1", "u2", "u3"]

    alignments = {key: equal_alignment(g, 30, seed=1) for key, g in graphs.items()}
    ark = tmp_path / "ali.1.ark"
    write_int_vectors(ark, alignments.items())
    capsys.readouterr()
    assert cli.run(show_alignments.main, [str(lang.path / "phones.txt"), str(model_dir / "final.mdl"),
                                          f"ark:{ark}"]) == 0
    out = capsys.readouterr().out.split("\n")
    assert len(out) == 3 * 4 + 1 and out[3] == "" and out[-1] == ""
    ids, names, times = out[0:3]
    assert ids.startswith("u1  [ ") and names.startswith("u1  ") and times.startswith("u1  0.00-")
    segs = split_to_phones(tm, alignments["u1"])
    assert names.split()[1:] == [lang.phones.symbol(s.phone) for s in segs]
    assert times.split()[1:] == [f"{s.start / 100:.2f}-{s.end / 100:.2f}" for s in segs]
    assert times.split()[-1].endswith("-0.30")
    # columns line up: each phone name starts where its transition ids start
    starts = [i for i in range(len(ids)) if ids.startswith("[ ", i)]
    assert [names[i] != " " and names[i - 1] == " " for i in starts] == [True] * len(segs)
    # u3's OOV word 'banana' became <UNK> (SPN)
    assert "SPN" in out[9]


def test_step_errors(digits, model_dir, tmp_path, capsys):
    lang, _, _ = digits
    text = tmp_path / "text"
    text.write_text("u1 two\nu1 oh\n")
    argv = [str(lang.path), str(model_dir / "final.mdl"), str(text), str(tmp_path / "f.ark")]
    assert cli.run(compile_train_graphs.main, argv) == 1
    assert "u1" in capsys.readouterr().err and not (tmp_path / "f.ark").exists()
    bad = tmp_path / "bad.ark"
    write_int_vectors(bad, [("u1", np.array([5, 5, 5]))])  # a self-loop alone is no whole phone
    assert cli.run(show_alignments.main, [str(lang.path / "phones.txt"), str(model_dir / "final.mdl"),
                                          str(bad)]) == 1
    assert "utterance 'u1'" in capsys.readouterr().err
