"""`python -m publish` runs the planlod command line."""

from .cli import main

main()
