"""One module per revision, numbered: ``0001_baseline.py``, ``0002_….py`` …"""
