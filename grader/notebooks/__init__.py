"""Exercises as Jupyter notebooks: built for download (build.py), with a visible-test cell that
needs only NumPy (local_tests.py), and read back on upload (read.py) without running anything."""
