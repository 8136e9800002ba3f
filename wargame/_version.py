"""The engine's version, recorded in every journal header."""

__version__ = "0.2.0"
