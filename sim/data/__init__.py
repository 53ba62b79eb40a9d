"""Data: the dated source tables (CSV, with SOURCES.md) and the world and record built from them as of a date.
May import from sim.core only."""
