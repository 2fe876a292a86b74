"""Built-in `match` stage modules."""
