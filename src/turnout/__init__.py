"""Turnout: an accounts-payable invoice pipeline driven by versioned, validated configuration."""

__version__ = "0.1.0"

__all__ = ["__version__"]
