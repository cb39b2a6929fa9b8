"""HMMs of phones in context: context dependency, Kaldi's transition model, alignments of transition ids.

- context:          ContextDependency (phone window + pdf class -> pdf), the monophone one
- transition_model: TransitionModel (transition states and ids, their probabilities, ML update)
- alignment:        transition-id alignments: equal alignment of a training graph, split into
                    phones with durations, pdf targets, transition counts
"""
