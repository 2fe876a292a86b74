"""Values shared by the end-to-end tests."""

DEFAULT_STAGES = [
    "intake",
    "einvoice",
    "text",
    "extract",
    "normalize",
    "validate",
    "dedupe",
    "match",
    "route",
    "export",
]
