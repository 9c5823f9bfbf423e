"""How the board apps are served safely: the kernels behind the pages and who may reach them.

:mod:`planlib.apps` starts Voila; this package holds what it configures Voila with:
:mod:`~planlib.serving.kernels` (the pool of ready kernels, culling, the cap on live kernels),
:mod:`~planlib.serving.security` (login off loopback, the Host check, what a page may send to its
kernel) and :mod:`~planlib.serving.chart_bundle` (the offline chart bundle, sent to each page
once rather than inside every chart).
"""
