"""The resilience envelope of a stage: fallback( retry( circuit breaker( timeout( module ) ) ) )."""
