"""Presentation: what a person reads. Formats (money, shares, years), titles for ids, CLI text
tables, HTML tables and cards, and the json shape of each result. Charts are in
:mod:`planlib.charts`.

This layer reads engine results and model records; it computes nothing new and opens no files.
"""
