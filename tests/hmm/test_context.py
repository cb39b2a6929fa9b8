"""ContextDependency: the monophone table, shared phone sets, array round trip, errors."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.hmm.context import ContextDependency, MonophoneContext, monophone_context
from toolkit.lang.topology import make_topology

# Phones 1-2 silence (5 states), 3-6 non-silence (3 states).
TOPO = make_topology([3, 4, 5, 6], [1, 2], num_nonsil_states=3, num_sil_states=5)


def test_monophone_pdfs_follow_sets_then_pdf_class():
    ctx = monophone_context(TOPO, [[1, 2], [3, 4], [5]])
    assert (ctx.context_width, ctx.central_position) == (1, 0)
    # set {1,2}: pdfs 0-4; set {3,4}: 5-7; {5}: 8-10; phone 6 (in no set): 11-13.
    assert [ctx.pdf([1], c) for c in range(5)] == [0, 1, 2, 3, 4]
    assert [ctx.pdf([2], c) for c in range(5)] == [0, 1, 2, 3, 4]
    assert [ctx.pdf([4], c) for c in range(3)] == [5, 6, 7]
    assert [ctx.pdf([5], c) for c in range(3)] == [8, 9, 10]
    assert [ctx.pdf([6], c) for c in range(3)] == [11, 12, 13]
    assert ctx.num_pdfs == 14
    assert ctx.possible_pdfs(3, 2) == [7]


def test_arrays_round_trip_and_kind_dispatch():
    ctx = monophone_context(TOPO, [[1, 2], [3, 4, 5, 6]])
    arrays = ctx.to_arrays()
    assert all(isinstance(a, np.ndarray) and a.dtype != object for a in arrays.values())
    back = ContextDependency.from_arrays(arrays)
    assert isinstance(back, MonophoneContext) and back == ctx and back.num_pdfs == 8


@pytest.mark.parametrize(
    "sets, message",
    [([[1, 3]], "different numbers of pdf classes"), ([[1], [1, 2]], "more than one set"), ([[9]], "no topology entry")],
)
def test_bad_phone_sets(sets, message):
    with pytest.raises(ToolkitError, match=message):
        monophone_context(TOPO, sets)


def test_lookup_errors():
    ctx = monophone_context(TOPO)
    with pytest.raises(ToolkitError, match="no pdf for phone 3, pdf class 3"):
        ctx.pdf([3], 3)
    with pytest.raises(ToolkitError, match="window of 1 phone"):
        ctx.pdf([0, 3, 4], 0)
    with pytest.raises(ToolkitError, match="unknown kind 'tree9'"):
        ContextDependency.from_arrays({"kind": np.array("tree9")})
    with pytest.raises(ToolkitError, match="malformed"):
        ContextDependency.from_arrays({"kind": np.array("monophone")})
    with pytest.raises(ToolkitError, match="gaps"):
        MonophoneContext(np.array([[-1], [0], [2]]))
