"""``python -m bot`` is the ``ratsbot`` command."""

from bot.cli import main

main()
