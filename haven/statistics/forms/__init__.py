"""The statistics app's forms, one module per area: ``tables`` (the reporting year of
the tables), ``releases`` (protected releases) and ``exchange`` (the standard files)."""
