"""Built-in `route` stage modules."""
