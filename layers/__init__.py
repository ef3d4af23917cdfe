"""Map layers built from the sourced facts: pure functions, each returning a new frame.

Three packages: :mod:`layers.facts` (the fact tables), :mod:`layers.thematic` (one layer each,
on a date) and :mod:`layers.scenario` (scenarios and views). Import from the module that
defines a function: this package imports nothing, so a light module (``layers.facts.schema``)
stays light.
"""
