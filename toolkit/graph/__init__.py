"""Graphs over transition ids, as Kaldi builds them: H, self-loops, HCLG (mkgraph.sh), training graphs.

- h_transducer:    H without self-loops from compose_context's ilabels (GetHTransducer)
- self_loops:      AddSelfLoops with self_loop_scale, reordered
- mkgraph:         LG, CLG, HCLG and the graph directory of utils/mkgraph.sh
- training_graphs: per-utterance graphs of compile-train-graphs
FSTs are handled through kaldifst; passes it lacks work on arrays (toolkit.io.fst_arrays).
"""
