"""The engine: a seeded SimPy game over a validated scenario, its events and its journal."""
