"""Built-in `text` stage modules."""
