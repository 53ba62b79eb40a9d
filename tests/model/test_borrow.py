"""Borrowed views: the same memory as the arrays they come from, for reading and writing."""

import numba
import numpy as np

from sim.model.borrow import borrowed


@numba.njit
def _double_through_views(single: np.ndarray, several: tuple) -> float:
    view, (ints, flags) = borrowed(single), borrowed(several)
    total = 0.0
    for i in range(view.shape[0]):
        view[i] *= 2.0
        ints[i, 1] += 1
        flags[i] = not flags[i]
        total += view[i]
    return total


def test_borrowed_views_read_and_write_the_callers_arrays() -> None:
    single = np.arange(4, dtype=float)
    ints, flags = np.zeros((4, 2), dtype=np.int32), np.array([True, False, True, False])
    assert _double_through_views(single, (ints, flags)) == 12.0
    assert single.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert ints[:, 1].tolist() == [1, 1, 1, 1] and ints[:, 0].tolist() == [0, 0, 0, 0]
    assert flags.tolist() == [False, True, False, True]
