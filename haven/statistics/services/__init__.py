"""The statistics app's writes, one module per kind (``releases``: protected releases)."""
