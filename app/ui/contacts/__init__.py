"""Contacts: the list, the contact form and the similar-contacts hint."""
