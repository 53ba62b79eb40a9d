"""Interfaces: the command line (and other front ends) that parse, call the layers below and report.
May import from every layer."""
