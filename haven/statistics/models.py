"""The statistics app's own tables: what was released, and the privacy spent on it."""
