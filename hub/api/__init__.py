"""The HTTP edge: one module per spec tag, plus the machinery they share.

Handlers are thin: they parse what connexion validated, check what the scopes
table cannot express, call :mod:`hub.core`, and shape the reply.
"""
