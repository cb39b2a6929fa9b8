"""silence_pdfs: the pdfs of silence phones (for --boost-silence), and those shared with speech."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.hmm.context import monophone_context
from toolkit.hmm.silence import silence_pdfs
from toolkit.hmm.transition_model import TransitionModel
from toolkit.lang.topology import make_topology


def test_silence_pdfs_of_a_monophone_system():
    # Phones 1-2 silence (5 states, one shared root: pdfs 0-4), 3-4 speech (3 states: 5-7, 8-10).
    topo = make_topology([3, 4], [1, 2], num_nonsil_states=3, num_sil_states=5)
    tm = TransitionModel.build(topo, monophone_context(topo, [[1, 2], [3], [4]]))
    pdfs, shared = silence_pdfs(tm, [1, 2])
    assert pdfs.tolist() == [0, 1, 2, 3, 4] and shared.size == 0
    assert silence_pdfs(tm, [1])[0].tolist() == [0, 1, 2, 3, 4]
    assert silence_pdfs(tm, [])[0].size == 0
    with pytest.raises(ToolkitError, match="phone 9"):
        silence_pdfs(tm, [9])


def test_pdfs_shared_with_speech_are_reported():
    # Silence phone 2 shares its root with speech phone 3: pdfs 3-5 are both.
    topo = make_topology([3, 4], [1, 2], num_nonsil_states=3, num_sil_states=3)
    tm = TransitionModel.build(topo, monophone_context(topo, [[1], [2, 3], [4]]))
    pdfs, shared = silence_pdfs(tm, [1, 2])
    assert pdfs.tolist() == [0, 1, 2, 3, 4, 5]
    np.testing.assert_array_equal(shared, [3, 4, 5])
