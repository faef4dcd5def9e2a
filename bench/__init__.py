"""Benchmarks (not tests): `python -m bench <name>` runs `bench/<name>.py:main()`."""
