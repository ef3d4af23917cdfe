"""The Streamlit page's parts: cached views, session state, sidebar panels (app.py wires them)."""
