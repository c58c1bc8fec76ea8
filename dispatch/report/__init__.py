"""What comes out of a plan: plan JSON, key figures, comparisons, sheets, maps, files."""
