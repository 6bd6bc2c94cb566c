"""`python -m spikecheck` runs the command line."""

from spikecheck.cli import run

if __name__ == "__main__":
    run()
