"""Presentation: what a person reads. Titles for ids, CLI text tables, HTML tables and cards,
and the json shape of each result, with money, shares and years written by
:mod:`planlib.formats`. Charts are in :mod:`planlib.charts`.

This layer reads engine results and model records; it computes nothing new and opens no files.
"""
