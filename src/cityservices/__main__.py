"""``python -m cityservices`` runs the command line."""

from cityservices.cli import main

main()
