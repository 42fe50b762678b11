"""No tables: ``haven.lib`` is an app only for its database upkeep (``apps.py``,
``haven db``); a models module lets Django tell it when migrations ran."""
