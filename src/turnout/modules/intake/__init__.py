"""Built-in `intake` stage modules."""
