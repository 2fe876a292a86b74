"""Built-in `extract` stage modules."""
