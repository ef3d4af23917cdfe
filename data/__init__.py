"""The shipped data, installed as the package ``flankmap_data`` (pyproject maps it to ``data/``).

No code here: ``geo.paths`` finds the files through ``importlib.resources``, so a wheel installed
anywhere reads the same files as a checkout.
"""
