"""Fertilities: hand cases of every rule, and the sum-to-target-length guarantee."""
from __future__ import annotations

import numpy as np
import pytest

from toolkit.align.fertility import (
    fertilities,
    fertilities_from_directional,
    target_positions,
)


def test_hand_case_from_the_issue():
    # target tokens 0 and 1 align to source 0, target 2 to source 2
    assert fertilities([(0, 0), (0, 1), (2, 2)], 3, 3).tolist() == [2, 0, 1]
    assert fertilities_from_directional(np.array([0, 0, 2]), 3).tolist() == [2, 0, 1]


def test_null_aligned_target_tokens_take_the_nearest_aligned_neighbour():
    # j0: only a right neighbour (j1 -> 2); j2: left j1 at 1 beats right j4 at 2; j3: right j4 at 1 wins.
    assert fill([-1, 2, -1, -1, 0], 3) == [2, 2, 2, 0, 0]
    assert fertilities_from_directional(np.array([-1, 2, -1, -1, 0]), 3).tolist() == [2, 0, 3]


def test_ties_between_neighbours_go_left():
    assert fill([1, -1, 0], 2) == [1, 1, 0]


def test_no_links_at_all_follow_the_diagonal():
    # floor((j + 1/2) * 2 / 4) for j = 0..3
    assert target_positions([], 2, 4).tolist() == [0, 0, 1, 1]
    assert fertilities([], 3, 1).tolist() == [0, 1, 0]


def test_several_links_of_one_target_token_keep_the_one_nearest_the_diagonal():
    # j2 of 3 with 3 source tokens: diagonal point 2.0 -> source 2 rather than 0
    assert target_positions([(0, 2), (2, 2)], 3, 3).tolist() == [2, 2, 2]
    # j1: diagonal point 1.0 is as far from 0 as from 2 -> the smaller, 0
    assert target_positions([(0, 1), (2, 1)], 3, 3).tolist() == [0, 0, 0]


def test_fertilities_always_sum_to_the_target_length():
    rng = np.random.default_rng(0)
    for _ in range(300):
        n, m = int(rng.integers(1, 9)), int(rng.integers(1, 9))
        links = {(int(rng.integers(n)), int(rng.integers(m))) for _ in range(int(rng.integers(0, 12)))}
        fert = fertilities(links, n, m)
        assert fert.shape == (n,) and fert.min() >= 0 and fert.sum() == m
        directional = rng.integers(-1, n, m)
        as_links = [(int(i), j) for j, i in enumerate(directional) if i >= 0]
        assert fertilities_from_directional(directional, n).tolist() == fertilities(as_links, n, m).tolist()


def test_links_outside_the_pair_are_errors():
    with pytest.raises(ValueError, match="outside"):
        fertilities([(3, 0)], 3, 2)


def fill(positions, n):
    from toolkit.align.fertility import fill_unaligned
    return fill_unaligned(np.array(positions), n).tolist()
