"""Benchmarks: they print figures (and ratios against a baseline measured in the same run); they never
fail on timing. Run them with `make bench`."""
