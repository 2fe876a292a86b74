"""Built-in `validate` stage modules."""
