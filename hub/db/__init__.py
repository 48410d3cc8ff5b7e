"""Persistence: the ORM models, the engine and the migrations."""
