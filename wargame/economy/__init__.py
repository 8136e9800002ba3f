"""Economic shock propagation (issue 3)."""
