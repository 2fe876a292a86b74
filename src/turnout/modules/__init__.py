"""Built-in pipeline modules, one sub-package per stage.

Each is published through the `turnout.modules` entry-point group.
"""
