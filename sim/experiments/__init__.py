"""Experiments: designs, execution back-ends, sweeps, sensitivity, comparisons, calibration and backtests.
May import from the layers below (core, data, model, store)."""
