"""Built-in `einvoice` stage modules."""
