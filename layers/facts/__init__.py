"""Fact loading: the sourced tables of ``data/facts/``, their schema, sources and dated statements.

Imports nothing else from ``layers``: the thematic layers and the scenarios build on it.
"""
