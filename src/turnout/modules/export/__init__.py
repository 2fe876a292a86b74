"""Built-in `export` stage modules."""
