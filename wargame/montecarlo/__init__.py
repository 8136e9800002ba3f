"""Monte Carlo replications of a scenario: seeded, parallel, streamed to Parquet, resumable."""
