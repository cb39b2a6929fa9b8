"""HMM topology: gen_topo.pl's text, parsing, and the checks of HmmTopology::Check."""
import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.lang.topology import make_topology, parse_topology, read_topology, write_topology

# What Kaldi's utils/gen_topo.pl 3 5 4:5:6 1:2 prints (up to trailing spaces).
GEN_TOPO_3_5 = """<Topology>
<TopologyEntry>
<ForPhones>
4 5 6
</ForPhones>
<State> 0 <PdfClass> 0 <Transition> 0 0.75 <Transition> 1 0.25 </State>
<State> 1 <PdfClass> 1 <Transition> 1 0.75 <Transition> 2 0.25 </State>
<State> 2 <PdfClass> 2 <Transition> 2 0.75 <Transition> 3 0.25 </State>
<State> 3 </State>
</TopologyEntry>
<TopologyEntry>
<ForPhones>
1 2
</ForPhones>
<State> 0 <PdfClass> 0 <Transition> 0 0.25 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 </State>
<State> 1 <PdfClass> 1 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 <Transition> 4 0.25 </State>
<State> 2 <PdfClass> 2 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 <Transition> 4 0.25 </State>
<State> 3 <PdfClass> 3 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 <Transition> 4 0.25 </State>
<State> 4 <PdfClass> 4 <Transition> 4 0.75 <Transition> 5 0.25 </State>
<State> 5 </State>
</TopologyEntry>
</Topology>
"""


def test_default_topology_is_gen_topo_output():
    topo = make_topology([4, 5, 6], [1, 2])
    assert topo.to_text() == GEN_TOPO_3_5
    assert topo.num_pdf_classes(5) == 3 and topo.num_pdf_classes(1) == 5
    assert topo.phones == [1, 2, 4, 5, 6]


def test_one_state_silence_and_three_state_silence():
    one = make_topology([2], [1], num_nonsil_states=1, num_sil_states=1)
    expected = "<State> 0 <PdfClass> 0 <Transition> 0 0.75 <Transition> 1 0.25 </State>\n<State> 1 </State>"
    assert expected in one.to_text()
    three = make_topology([2], [1], num_sil_states=3).entry(1)
    assert [s.transitions for s in three.states[:3]] == [
        ((0, 0.5), (1, 0.5)),
        ((1, 0.5), (2, 0.5)),
        ((2, 0.75), (3, 0.25)),
    ]
    with pytest.raises(ToolkitError, match="not 2"):
        make_topology([2], [1], num_sil_states=2)


def test_text_round_trip(tmp_path):
    topo = make_topology([4, 5, 6], [1, 2], num_nonsil_states=2, num_sil_states=4)
    write_topology(tmp_path / "topo", topo)
    assert read_topology(tmp_path / "topo") == topo
    # Kaldi's own layout (trailing spaces, one token per line) parses the same.
    assert parse_topology(" \n ".join(GEN_TOPO_3_5.split())) == make_topology([4, 5, 6], [1, 2])


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("<Transition> 0 0.75 <Transition> 1", "<Transition> 0 0.5 <Transition> 1", "sum to 0.75"),
        ("<State> 3 </State>\n", "", "last state must be non-emitting"),
        ("<ForPhones>\n1 2", "<ForPhones>\n1 2 5", "phone 5 is in more than one entry"),
        ("<Transition> 3 0.25 </State>\n<State> 3", "<Transition> 9 0.25 </State>\n<State> 3", "state 9"),
        ("</Topology>", "", "unexpected end"),
        ("<State> 1 <PdfClass> 1 <Transition> 1 0.75", "<State> 1 <PdfClass> x", "expected an integer"),
    ],
)
def test_malformed_topology_is_rejected_naming_the_file(tmp_path, old, new, message):
    assert old in GEN_TOPO_3_5
    (tmp_path / "topo").write_text(GEN_TOPO_3_5.replace(old, new, 1))
    with pytest.raises(InputError, match=message) as e:
        read_topology(tmp_path / "topo")
    assert str(tmp_path / "topo") in str(e.value)
