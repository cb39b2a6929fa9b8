"""HMMs of phones in context: context dependency, Kaldi's transition model, alignments of transition ids.

- context:          ContextDependency (phone window + pdf class -> pdf), the monophone one
- transition_model: TransitionModel (transition states and ids, their probabilities, ML update)
- alignment:        transition-id alignments: equal alignment of a training graph, split into
                    phones with durations, pdf targets, transition counts
- tree_stats:       per-(triphone, pdf class) Gaussian statistics for tree building (acc-tree-stats)
- questions:        phone-set questions (clustered phone sets, extra questions) and pdf-class questions
- tree:             phonetic decision trees (build-tree) and TreeContext, the triphone context dependency
"""

# Every kind of ContextDependency registers itself when its module is imported; importing
# them here means a model file holding any kind loads in a fresh process.
from toolkit.hmm import context, tree  # noqa: E402,F401
