"""Aligning a set: every alignment written, failures named and left out, no archive when nothing aligns."""
import kaldifst
import numpy as np
import pytest

from toolkit.decode.align_set import AlignOptions, align_set
from toolkit.errors import ToolkitError
from toolkit.graph.training_graphs import TrainingGraphCompiler
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import read_int_vectors
from toolkit.lang.topology import HmmState, Topology, TopologyEntry

# One phone, two emitting states (pdfs 0 and 1); tids 1 loop0, 2 0->1, 3 loop1, 4 1->end.
TOPO = Topology([TopologyEntry((1,), (
    HmmState(0, ((0, 0.75), (1, 0.25))), HmmState(1, ((1, 0.5), (2, 0.5))), HmmState(None),
))])
# Frames 0-1 favour pdf 0, frames 2-3 pdf 1.
LOGLIKES = np.array([[-1.0, -4.0], [-1.0, -3.0], [-5.0, -1.0], [-5.0, -1.0]], dtype=np.float32)


def _graph_and_model():
    L = kaldifst.StdVectorFst()
    s0, s1 = L.add_state(), L.add_state()
    L.start = s0
    L.set_final(s1, 0.0)
    L.add_arc(s0, kaldifst.StdArc(1, 1, 0.0, s1))
    ctx = monophone_context(TOPO)
    tm = TransitionModel.build(TOPO, ctx)
    return TrainingGraphCompiler(tm, ctx, L).compile([1]), tm


def test_aligned_failed_and_missing(tmp_path):
    graph, tm = _graph_and_model()
    frames = {"a": LOGLIKES, "short": LOGLIKES[:1], "nograph": LOGLIKES}  # one frame cannot pass two states
    seen = []
    summary = align_set(["a", "short", "nograph"], {"a": graph, "short": graph},
                        lambda utt: (lambda pdfs: frames[utt][:, pdfs]), tm, str(tmp_path / "ali.ark"),
                        AlignOptions(acoustic_scale=1.0, self_loop_scale=1.0),
                        on_aligned=lambda utt, ali: seen.append((utt, ali.tolist())))
    written = {k: v.tolist() for k, v in read_int_vectors(tmp_path / "ali.ark")}
    assert written == {"a": [2, 1, 4, 3]} and seen == [("a", [2, 1, 4, 3])]
    assert (summary.aligned, summary.frames, summary.failed) == (1, 4, ["short", "nograph"])
    assert summary.log_likelihood == pytest.approx(-4.0)  # frames 0,1 with pdf 0 and 2,3 with pdf 1


def test_nothing_aligned_leaves_no_archive(tmp_path):
    graph, tm = _graph_and_model()
    out = tmp_path / "ali.ark"
    with pytest.raises(ToolkitError, match="no utterance of train/1 could be aligned"):
        align_set(["short"], {"short": graph}, lambda utt: (lambda pdfs: LOGLIKES[:1, pdfs]), tm, str(out),
                  AlignOptions(), what="train/1")
    assert not out.exists() and list(tmp_path.iterdir()) == []
