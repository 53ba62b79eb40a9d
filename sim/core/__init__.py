"""Core: errors, calendar months and the declared model parameters, shared by every layer.
Imports nothing from the package but the standard library and third-party packages."""
