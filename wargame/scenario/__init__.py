"""Scenario files: the schema, conditions, typed parameters and the loader."""
