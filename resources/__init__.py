"""Obole's run-time files, installed as the data package `app._resources` (see setup.py).

Read them through app.resources only: it finds them in a source checkout, an installed
wheel and the desktop bundle alike.
"""
