"""``python -m amts.cli``."""

from amts.cli import main

main()
