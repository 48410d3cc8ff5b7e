"""The domain layer: the rules of users, groups, tokens, roles and services.

Nothing here knows about HTTP. Functions take an open database session and
raise :mod:`hub.errors` exceptions.
"""
