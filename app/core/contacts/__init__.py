"""Contacts: editing, search, validation, consents, postal addresses, data quality, RFM
segments and the history in words."""
