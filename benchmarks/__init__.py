"""Speed benchmarks: each compares planlib with a baseline measured in the same process.

Run them with ``make bench`` (``python -m benchmarks``). Every ``bench_*.py`` module here has a
``cases()`` function returning :class:`Case` records; results are printed as ratios, because
absolute times on a shared machine say little, while two timings taken side by side do.
"""
