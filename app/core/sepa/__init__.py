"""Regular gifts by SEPA direct debit (Core scheme, B2C): accounts, mandates, plans,
collection runs and bank returns. No Qt, no renderer: the pain.008 file is written by
app/reports/sepa_xml.py from the plain data that `collection` prepares."""
