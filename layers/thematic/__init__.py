"""The thematic layers, each on a date.

Members, border states, battle groups with their troops and contributors, context
(reinforcements, build-up, occupied territory) and the frontier. Built on :mod:`layers.facts`;
imports nothing from :mod:`layers.scenario`.
"""
