"""The statistics app's forms, one module per area (``releases``: protected releases)."""
