"""Built-in `normalize` stage modules."""
