"""Benchmarks: the product against a bare Socket.IO relay, in one run (see docs/performance.md)."""
