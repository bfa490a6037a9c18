"""Rule engine: rule metadata, declarative rule kinds, evaluation over table readings, the run loop."""
