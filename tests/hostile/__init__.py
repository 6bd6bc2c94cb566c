"""Hostile inputs for the readers, generated at test time (see badinputs.py)."""
