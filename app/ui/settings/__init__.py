"""Settings: the association, receipts, and the tabs features add."""
