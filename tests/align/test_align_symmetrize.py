"""Symmetrisation heuristics on hand cases worked out from atools' definitions (see the module docstring)."""
from __future__ import annotations

import pytest

from toolkit.align.symmetrize import HEURISTICS, symmetrize

# Case A: no union link touches the intersection, so grow-diag adds nothing; the finals differ.
A_FWD = {(0, 0), (1, 1), (0, 1), (3, 3)}
A_REV = {(0, 0), (1, 1), (3, 2)}
A_EXPECTED = {
    "intersect": [(0, 0), (1, 1)],
    "union": [(0, 0), (0, 1), (1, 1), (3, 2), (3, 3)],
    # (0,1): both tokens aligned; (3,2), (3,3): no taken neighbour.
    "grow-diag": [(0, 0), (1, 1)],
    # forward first: (0,1) both aligned -> no; (3,3) one unaligned -> yes; then reverse (3,2): target 2 free -> yes.
    "grow-diag-final": [(0, 0), (1, 1), (3, 2), (3, 3)],
    # forward (3,3): both free -> yes; reverse (3,2): source 3 now aligned -> no.
    "grow-diag-final-and": [(0, 0), (1, 1), (3, 3)],
}

# Case B: order matters. Sweep 1 over (0,2), (1,1), (1,2): (0,2) has no taken neighbour yet;
# (1,1) touches (0,0) diagonally; (1,2) touches (1,1). Sweep 2: (0,2) now has both tokens aligned.
B_FWD = {(0, 0), (1, 1), (0, 2)}
B_REV = {(0, 0), (1, 2)}
B_GROWN = [(0, 0), (1, 1), (1, 2)]

# Case C: a realistic directional pair. Forward (target -> source): j0->0, j1->1, j2->1, j3->3.
# Reverse (source -> target): i0->0, i1->1, i2->2, i3->2. The chain of neighbours takes the union.
C_FWD = {(0, 0), (1, 1), (1, 2), (3, 3)}
C_REV = {(0, 0), (1, 1), (2, 2), (3, 2)}


@pytest.mark.parametrize("heuristic", HEURISTICS)
def test_case_a(heuristic):
    assert symmetrize(A_FWD, A_REV, heuristic) == A_EXPECTED[heuristic]


@pytest.mark.parametrize("heuristic", ["grow-diag", "grow-diag-final", "grow-diag-final-and"])
def test_case_b_growth_is_order_dependent_as_in_atools(heuristic):
    assert symmetrize(B_FWD, B_REV, heuristic) == B_GROWN


def test_case_c_growth_reaches_the_union():
    union = symmetrize(C_FWD, C_REV, "union")
    assert union == [(0, 0), (1, 1), (1, 2), (2, 2), (3, 2), (3, 3)]
    assert symmetrize(C_FWD, C_REV, "grow-diag") == union
    assert symmetrize(C_FWD, C_REV, "grow-diag-final-and") == union


def test_growth_needs_a_neighbour_and_an_unaligned_token():
    # (2,2) is diagonal to (1,1): taken. (0,3) touches nothing: only a final step can take it.
    fwd, rev = {(1, 1), (2, 2), (0, 3)}, {(1, 1)}
    assert symmetrize(fwd, rev, "grow-diag") == [(1, 1), (2, 2)]
    assert symmetrize(fwd, rev, "grow-diag-final-and") == [(0, 3), (1, 1), (2, 2)]


def test_results_contain_the_intersection_and_lie_in_the_union():
    import random
    rng = random.Random(0)
    for _ in range(200):
        fwd = {(rng.randrange(6), j) for j in range(6) if rng.random() < 0.8}
        rev = {(i, rng.randrange(6)) for i in range(6) if rng.random() < 0.8}
        inter, union = fwd & rev, fwd | rev
        grown = set(symmetrize(fwd, rev, "grow-diag"))
        assert inter <= grown <= union
        # (grow-diag-final need not contain grow-diag-final-and: its looser forward pass can block a reverse link)
        for h in ("grow-diag-final-and", "grow-diag-final"):
            assert grown <= set(symmetrize(fwd, rev, h)) <= union, h


def test_unknown_heuristic():
    with pytest.raises(ValueError, match="grow-diag-final-and"):
        symmetrize(set(), set(), "grow")
