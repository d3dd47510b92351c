"""Benchmark sections: each module defines TITLE, ORDER and run(ctx) -> Result (bench/README.md)."""
