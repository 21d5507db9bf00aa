"""negotiate: a tabletop policy-negotiation game engine, and its migration-governance game."""

__version__ = "0.1.0"
