"""Memberships: types with their fee and period, each member's memberships, renewals.

The status rule itself (à jour, à renouveler, échu at a date) is app.core.member_status,
shared with the contact list's filter."""
