"""`extract.learned`: invoice fields read with what people's reviews taught about each issuer."""
