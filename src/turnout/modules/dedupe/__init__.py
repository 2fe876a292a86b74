"""Built-in `dedupe` stage modules."""
