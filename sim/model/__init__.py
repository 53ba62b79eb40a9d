"""Model: scenarios, the decision rules, the compiled month, random streams, the ensemble engine and the Mesa model.
May import from sim.core and sim.data."""
