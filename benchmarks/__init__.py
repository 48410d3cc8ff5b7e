"""Benchmarks: drive any JupyterHub-compatible hub over HTTP and time it."""
