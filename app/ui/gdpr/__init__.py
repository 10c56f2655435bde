"""GDPR: the register, data-subject requests, retention."""
