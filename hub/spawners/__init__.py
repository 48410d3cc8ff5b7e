"""Spawners start, poll and stop users' single-user servers."""
