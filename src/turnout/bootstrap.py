"""The composition root: wires settings, database, registry and runner (filled in below)."""
