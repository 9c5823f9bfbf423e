"""``python -m planlib.cli``: the same as the ``planlib`` command."""

from planlib.cli import main

main()
