"""Posterior draws per run: a function of the root seed and the run index alone."""

import numpy as np

from sim.model.draws import RUNS_PER_DRAW, draw_indices


def test_a_run_gets_the_same_draw_whatever_else_runs() -> None:
    everything = draw_indices(7, list(range(400)), 500)
    assert (draw_indices(7, [399, 3, 250], 500) == everything[[399, 3, 250]]).all()
    assert ((0 <= everything) & (everything < 500)).all()


def test_consecutive_runs_share_a_draw_and_pairs_spread_over_the_sample() -> None:
    draws = draw_indices(7, list(range(2000)), 500)
    pairs = draws.reshape(-1, RUNS_PER_DRAW)
    assert (pairs == pairs[:, :1]).all()
    assert len(np.unique(pairs[:, 0])) > 400  # 1000 uniform picks from 500 cover about 86 % of them
    assert not (draws == draw_indices(8, list(range(2000)), 500)).all()  # another seed, other draws
