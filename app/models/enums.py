"""Enumerations stored as short strings (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def str_enum(enum_cls: type[StrEnum]) -> Enum:
    """A VARCHAR column holding the enum's values, validated on the Python side."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


class ContactKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class ContactStatus(StrEnum):
    ACTIVE = "active"
    DECEASED = "deceased"
    ANONYMISED = "anonymised"
    MERGED = "merged"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    TRANSFER = "transfer"
    CARD = "card"
    DIRECT_DEBIT = "direct_debit"
    IN_KIND = "in_kind"


class GiftNature(StrEnum):
    CASH = "cash"  # numéraire
    LISTED_SHARES = "listed_shares"
    WAIVED_REVENUE = "waived_revenue"  # abandon exprès de revenus ou produits
    WAIVED_EXPENSES = "waived_expenses"  # frais engagés par les bénévoles
    IN_KIND = "in_kind"


class Channel(StrEnum):
    POST = "post"
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"


class ConsentStatus(StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    OBJECTED = "objected"


class ReceiptKind(StrEnum):
    INDIVIDUAL = "individual"  # Cerfa 11580
    COMPANY = "company"  # Cerfa 16216


class ReceiptMode(StrEnum):
    PER_GIFT = "per_gift"
    ANNUAL = "annual"


class ReceiptStatus(StrEnum):
    ISSUED = "issued"
    CANCELLED = "cancelled"


class RightsRequestKind(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"


class RightsRequestStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    DONE = "done"
    REFUSED = "refused"


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    TREASURER = "treasurer"
    DPO = "dpo"
    ADMIN = "admin"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EVENT = "event"


class MembershipKind(StrEnum):
    INDIVIDUAL = "individual"
    FAMILY = "family"
    ORGANISATION = "organisation"


class MembershipPeriod(StrEnum):
    CALENDAR_YEAR = "calendar_year"  # 1 January - 31 December
    SCHOOL_YEAR = "school_year"  # 1 September - 31 August
    ROLLING_12_MONTHS = "rolling_12_months"  # from the payment date, twelve months


class MandateStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class PlanFrequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # after consecutive bank rejects, or by hand
    ENDED = "ended"


class DebitStatus(StrEnum):
    COLLECTED = "collected"  # sent to the bank in a collection file
    REJECTED = "rejected"  # returned by the bank (R-transaction)
