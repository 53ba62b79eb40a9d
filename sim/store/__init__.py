"""Store: result folders written whole or not at all, read back, with provenance and quantile summaries.
May import from sim.core, sim.data and sim.model."""
