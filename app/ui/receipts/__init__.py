"""Tax receipts: issuing, the issued list, corrections, e-mailing and its SMTP settings."""
