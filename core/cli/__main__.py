"""``python -m calvados.cli``."""

from . import main

main()
