"""The "newbob" learning-rate schedule of Kaldi nnet1's train_scheduler.sh.

After each epoch the cross-validation loss decides: an epoch that lowers it is accepted
(its network becomes the best), one that does not is rejected (training goes on from the
best network). Once the relative improvement falls below `start_halving_impr` the
learning rate is multiplied by `halving_factor` after every epoch; once, while halving,
it falls below `end_halving_impr`, training stops (not before `min_epochs`, always at
`max_epochs`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class NewbobSchedule:
    learning_rate: float
    start_halving_impr: float = 0.01
    end_halving_impr: float = 0.001
    halving_factor: float = 0.5
    min_epochs: int = 0
    max_epochs: int = 20
    epoch: int = 0
    halving: bool = False
    best_loss: float | None = None
    done: bool = False

    def step(self, cv_loss: float) -> bool:
        """Record one epoch's cross-validation loss; True if the epoch is accepted. Sets `done` to stop."""
        self.epoch += 1
        previous = self.best_loss
        accepted = previous is None or cv_loss < previous
        if accepted:
            self.best_loss = cv_loss
        if previous is not None:
            improvement = (previous - cv_loss) / abs(previous) if previous else 0.0
            if self.halving and improvement < self.end_halving_impr and self.epoch >= self.min_epochs:
                self.done = True
            if improvement < self.start_halving_impr:
                self.halving = True
        if self.halving and not self.done:
            self.learning_rate *= self.halving_factor
        if self.epoch >= self.max_epochs:
            self.done = True
        return accepted

    def to_dict(self) -> dict:
        return asdict(self)
