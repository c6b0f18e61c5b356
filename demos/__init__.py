"""The experiments: `python -m demos NAME`, or `python -m demos` for the tour."""
