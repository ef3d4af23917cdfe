"""Scenarios and views.

The scenario files, the scene one view draws and its metrics, the user's overlay, share links,
the diff of two scenes, the timeline, and the tables of what a map shows. Built on
:mod:`layers.facts` and :mod:`layers.thematic`.
"""
