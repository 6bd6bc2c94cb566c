"""`python -m spikecheck` and the `spikecheck` command: Ctrl-C from the first moment, then
the command line.

A Ctrl-C that comes while the command line is still importing (a busy CI machine can take
seconds) must end as one after it does: one line and exit 130, not a KeyboardInterrupt
traceback. The handler goes in before anything heavy is imported; cli.run() replaces it
with its own once it is loaded.
"""

import os
import signal
import sys


def _interrupted_while_starting(signum, frame) -> None:
    """One line and 130; nothing has been read or written yet."""
    try:
        sys.stderr.write("spikecheck: interrupted\n")
        sys.stderr.flush()
    finally:
        os._exit(130)


def main() -> None:
    """Install the start-up Ctrl-C handler, then run the command line."""
    try:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    except (ValueError, OSError):  # not the main thread
        pass
    from spikecheck.cli import run

    run()


if __name__ == "__main__":
    main()
