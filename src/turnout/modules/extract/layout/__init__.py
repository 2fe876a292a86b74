"""The layout reader: invoice fields read from where words sit on the page (`extract.layout`)."""
