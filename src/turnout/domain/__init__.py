"""The domain: plain Python, no I/O, no third-party imports.

Stages, capability contracts, module specifications, configurations and the one state machine
that owns their lifecycle, fallback policies, runs, attempts and audit events. Artifact schemas are
dataclasses (no pydantic), so this package imports only the standard library.
"""
