"""The service layer: registry, configuration validation and lifecycle, runner, and the ports
(repository and unit-of-work protocols) the outer layers implement."""
