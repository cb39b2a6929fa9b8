"""Per-utterance training graphs, as Kaldi's compile-train-graphs (TrainingGraphCompiler) makes them.

    graph = add_self_loops(minimize_encoded(remove_disambig(
                determinize_star_log(H o compose_context(L o words)))))

`words` is the linear acceptor of the transcript and L the training lexicon (lang/L.fst:
optional silence between words, no disambiguation symbols). As in compile-train-graphs,
transition and self-loop probabilities are left out by default (scales 0): they change at
every iteration, so the aligner adds them from the current model
(TransitionModel.scaled_log_probs, applied in toolkit.decode.decoder.align).
"""
from __future__ import annotations

from typing import Sequence

import kaldifst

from toolkit.errors import ToolkitError
from toolkit.graph.h_transducer import make_h_transducer
from toolkit.graph.mkgraph import remove_input_symbols
from toolkit.graph.self_loops import add_self_loops
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.transition_model import TransitionModel


class TrainingGraphCompiler:
    """Compiles word-id transcripts into graphs over transition ids (words on the output side).

    HMM templates are cached across utterances: the transition model must not be updated
    while the compiler is in use.
    """

    def __init__(
        self,
        trans_model: TransitionModel,
        ctx: ContextDependency,
        lexicon_fst: kaldifst.StdFst,
        disambig_phones: Sequence[int] = (),
        *,
        transition_scale: float = 0.0,
        self_loop_scale: float = 0.0,
    ):
        self.trans_model = trans_model
        self.ctx = ctx
        self.L = lexicon_fst.copy() if isinstance(lexicon_fst, kaldifst.StdVectorFst) else kaldifst.StdVectorFst(lexicon_fst)
        kaldifst.arcsort(self.L, sort_type="olabel")
        self.disambig_phones = list(disambig_phones)
        self.transition_scale = transition_scale
        self.self_loop_scale = self_loop_scale
        self._hmm_cache: dict = {}

    def compile(self, words: Sequence[int]) -> kaldifst.StdVectorFst:
        """The training graph of the word-id sequence `words`; ToolkitError if L cannot produce it."""
        LW = kaldifst.compose(self.L, kaldifst.make_linear_acceptor(list(words)))
        if LW.start < 0:
            raise ToolkitError(f"the lexicon cannot produce the transcript (word ids {list(words)})")
        CLW, ilabels = kaldifst.compose_context(
            self.disambig_phones, self.ctx.context_width, self.ctx.central_position, LW
        )
        kaldifst.arcsort(CLW, sort_type="ilabel")
        H, disambig_tids = make_h_transducer(ilabels, self.ctx, self.trans_model, self.transition_scale,
                                             self._hmm_cache)
        HCLW = kaldifst.compose(H, CLW)
        if HCLW.start < 0:
            raise ToolkitError(f"H o CLW is empty for word ids {list(words)}: the model does not cover the lexicon")
        if kaldifst.determinize_star(HCLW, use_log=True):
            raise ToolkitError("determinization of a training graph stopped early")
        if disambig_tids:
            HCLW = remove_input_symbols(HCLW, disambig_tids)
        kaldifst.minimize_encoded(HCLW)
        return add_self_loops(HCLW, self.trans_model, self.self_loop_scale)
