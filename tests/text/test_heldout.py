import random

from toolkit.text.cleaning import PairFilter
from toolkit.text.heldout import group_order, page_of, select_heldout, split_by_group


def test_group_order_is_a_fixed_permutation_independent_of_input_order():
    groups = [f"page{i}" for i in range(50)]
    shuffled = groups[:]
    random.Random(0).shuffle(shuffled)
    assert group_order(groups, "s") == group_order(shuffled, "s")
    assert sorted(group_order(groups, "s")) == sorted(groups)
    assert group_order(groups, "s") != group_order(groups, "other salt")


def test_split_by_group_whole_groups_and_sizes():
    items = [(f"g{i % 20}", i) for i in range(200)]  # 20 groups of 10
    dev, test, rest = split_by_group(items, lambda x: x[0], [25, 35], salt="x")
    assert len(dev) == 30 and len(test) == 40 and len(rest) == 130  # filled to the next whole group
    groups = [{g for g, _ in part} for part in (dev, test, rest)]
    assert not (groups[0] & groups[1] or groups[0] & groups[2] or groups[1] & groups[2])
    assert sorted(dev + test + rest) == sorted(items)
    assert dev == sorted(dev, key=lambda x: x[1])  # input order kept


def test_select_heldout_filters_repeats_and_overlap():
    pairs = [
        ("Choose Format - Cells.", "Choisissez Format - Cellules.", "h:p1.html#par_id1"),
        ("Click the OK button now.", "Cliquez sur le bouton OK.", "h:p1.html#par_id2"),
        ("Choose Format - Cells.", "Choisissez Format - Cellules.", "h:p2.html#par_id1"),  # repeated source
        ("Too short", "Trop court", "h:p2.html#par_id2"),
        ("Same text on both sides", "Same text on both sides", "h:p2.html#par_id3"),
        ("Press the OK button now.", "Cliquez sur le bouton OK.", "h:p2.html#par_id4"),  # same target as p1
        ("A sentence of page three.", "Une phrase de la page trois.", "h:p3.html#par_id1"),
    ]
    rules = PairFilter(min_words=3, max_words=60, max_identical_words=0)
    (first, second), counts = select_heldout(pairs, [1, 100], rules, salt="")
    pages = [{page_of(o) for _, _, o in s} for s in (first, second)]
    assert not pages[0] & pages[1]
    assert counts["repeated_source"] == 1 and counts["too_short"] == 1 and counts["untranslated"] == 1
    all_tgt = [t for s in (first, second) for _, t, _ in s]
    assert len(all_tgt) == len(set(all_tgt))  # no target shared between the sets
    # The first page in hash order makes the first set, the others the second. p1 and p2
    # share a target: when they are in different sets, the second set loses that pair.
    first_page = group_order(["h:p1.html", "h:p2.html", "h:p3.html"])[0]
    assert pages[0] == {first_page}
    assert counts["overlap_with_earlier_set"] == (1 if first_page in ("h:p1.html", "h:p2.html") else 0)
