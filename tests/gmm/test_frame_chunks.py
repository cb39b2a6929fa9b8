"""frame_chunks: utterances gathered into chunks keep every frame, in order, fields aligned."""
import numpy as np

from toolkit.gmm.frame_chunks import frame_chunks


def test_chunks_hold_every_frame_in_order_and_keep_none_fields():
    rng = np.random.default_rng(0)
    utts = [(rng.normal(size=(n, 3)), None, np.arange(n) + 100 * i) for i, n in enumerate([4, 7, 2, 9, 1])]
    chunks = list(frame_chunks(utts, chunk_frames=10))
    # 4+7 >= 10 closes the first chunk, 2+9 the second, the last utterance is the rest.
    assert [len(c[0]) for c in chunks] == [11, 11, 1]
    assert all(c[1] is None for c in chunks)
    np.testing.assert_array_equal(np.concatenate([c[0] for c in chunks]), np.concatenate([u[0] for u in utts]))
    np.testing.assert_array_equal(np.concatenate([c[2] for c in chunks]), np.concatenate([u[2] for u in utts]))
    assert list(frame_chunks([], chunk_frames=10)) == []
