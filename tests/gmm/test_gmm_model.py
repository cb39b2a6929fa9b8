"""The model file: round trip of all three parts, and errors that name the file."""
import io

import numpy as np
import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.init_mono import init_mono_gmm
from toolkit.gmm.model import load_model, save_model
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.lang.topology import make_topology


def _npy_bytes():
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    return buf.getvalue()


@pytest.fixture
def parts(gmm_helpers):
    topo = make_topology([3, 4, 5], [1, 2], num_nonsil_states=3, num_sil_states=5)
    ctx = monophone_context(topo, [[1, 2], [3], [4, 5]])
    tm = TransitionModel.build(topo, ctx)
    am = gmm_helpers.make(np.arange(ctx.num_pdfs) % 3 + 1, dim=4)
    return tm, ctx, am


def test_round_trip(parts, tmp_path):
    tm, ctx, am = parts
    tm.update(np.arange(tm.num_tids + 1, dtype=float) + 10)  # probabilities that are not the topology's
    save_model(tmp_path / "final.mdl", tm, ctx, am)
    tm2, ctx2, am2 = load_model(tmp_path / "final.mdl")
    assert tm2 == tm and ctx2 == ctx
    for name in ("means", "inv_vars", "log_weights", "pdf_of_gauss"):
        np.testing.assert_array_equal(getattr(am2, name), getattr(am, name))
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_array_equal(am2.log_likelihoods(x), am.log_likelihoods(x))


def test_parts_must_agree(parts, tmp_path):
    tm, ctx, _ = parts
    with pytest.raises(ToolkitError, match="disagree on the number of pdfs"):
        save_model(tmp_path / "x.mdl", tm, ctx, init_mono_gmm(ctx.num_pdfs + 1, np.zeros(2), np.ones(2)))
    assert not (tmp_path / "x.mdl").exists()


def test_corrupted_files_name_the_file(parts, tmp_path):
    tm, ctx, am = parts
    good = tmp_path / "good.mdl"
    save_model(good, tm, ctx, am)
    data = good.read_bytes()
    cases = {
        "truncated.mdl": data[: len(data) // 2],
        "text.mdl": b"<TransitionModel> this is a Kaldi text model\n",
        "empty.mdl": b"",
        "array.mdl": _npy_bytes(),
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError, match=f"{tmp_path / name}: "):
            load_model(tmp_path / name)
    with pytest.raises(InputError, match="missing.mdl: no such file"):
        load_model(tmp_path / "missing.mdl")

    # Well-formed archives that are not (whole) models.
    arrays = dict(np.load(good))
    np.savez(tmp_path / "other.npz", **{**arrays, "format": np.array("something else")})
    with pytest.raises(InputError, match="other.npz: not a GMM-HMM model"):
        load_model(tmp_path / "other.npz")
    del arrays["am.means"]
    np.savez(tmp_path / "partial.npz", **arrays)
    with pytest.raises(InputError, match="partial.npz: corrupted model file: missing array 'means'"):
        load_model(tmp_path / "partial.npz")
    arrays = dict(np.load(good))
    arrays["am.num_pdfs"] = np.array(ctx.num_pdfs + 2)
    np.savez(tmp_path / "mismatch.npz", **arrays)
    with pytest.raises(InputError, match="mismatch.npz: corrupted model file: .*every one of the"):
        load_model(tmp_path / "mismatch.npz")
