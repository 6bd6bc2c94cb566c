"""Fuzzers for the readers (tests/fuzz/run.py); kept out of pytest's collection."""
