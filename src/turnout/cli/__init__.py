"""The `turnout` command line (Typer + Rich)."""
