"""`python -m publish` runs the planlod command line.

Stage: cli. Imports `cli`.
"""

from .cli import main

main()
