"""``python -m qmlib`` is the same as the ``qm`` command."""

from qmlib.cli import main

main()
