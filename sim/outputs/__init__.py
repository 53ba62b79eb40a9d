"""Outputs: figures, the rendering of a result folder and the briefs a reader gets, including the calibration fit figure.
May import from the layers below (core, data, model, store, experiments)."""
