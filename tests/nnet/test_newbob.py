"""The newbob schedule on hand-made cross-validation losses."""
from toolkit.nnet.newbob import NewbobSchedule


def test_halving_starts_and_stops_on_relative_improvement():
    s = NewbobSchedule(1.0, start_halving_impr=0.01, end_halving_impr=0.001, max_epochs=20, best_loss=2.0)
    assert s.step(1.0) and s.learning_rate == 1.0 and not s.halving      # 50% better: keep the rate
    assert s.step(0.995) and s.halving and s.learning_rate == 0.5         # 0.5% < 1%: start halving now
    assert s.step(0.99) and s.learning_rate == 0.25 and not s.done        # 0.5% >= 0.1%: go on, halving
    assert s.step(0.9899) and s.done and s.learning_rate == 0.25          # 0.01% < 0.1% while halving: stop
    assert s.epoch == 4 and s.best_loss == 0.9899


def test_a_worse_epoch_is_rejected_and_halves():
    s = NewbobSchedule(0.8, best_loss=1.0)
    assert not s.step(1.2)
    assert s.best_loss == 1.0 and s.halving and s.learning_rate == 0.4 and not s.done


def test_min_and_max_epochs():
    s = NewbobSchedule(1.0, best_loss=1.0, min_epochs=3, max_epochs=4)
    s.step(1.0)   # no improvement: halving
    s.step(1.0)   # would stop, but min_epochs is 3
    assert not s.done
    s.step(1.0)
    assert s.done
    t = NewbobSchedule(1.0, best_loss=10.0, max_epochs=2)
    t.step(5.0)
    t.step(2.0)
    assert t.done and t.epoch == 2


def test_state_round_trips():
    s = NewbobSchedule(1.0, best_loss=1.0)
    s.step(0.5)
    assert NewbobSchedule(**s.to_dict()) == s
