"""SQLAlchemy entities, all on one Base (Alembic autogenerate imports this package)."""

from app.models.address import PostalAddress
from app.models.appeal import Appeal, AppealExclusion, Solicitation
from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.campaign import Campaign
from app.models.consent import ConsentEvent
from app.models.contact import Contact, ContactEmail, ContactPhone, Tag, contact_tags
from app.models.gdpr import ErasedIdentity, ProcessingActivity, RightsRequest
from app.models.gift import Gift
from app.models.import_batch import ImportBatch
from app.models.membership import Membership, MembershipType
from app.models.merge import DuplicateSuggestion, MergeRecord, NotDuplicate
from app.models.receipt import Receipt, ReceiptDelivery, ReceiptLine, ReceiptSequence
from app.models.sepa import RegularGiftPlan, SepaCollection, SepaDebit, SepaMandate
from app.models.settings import OrganisationSettings, SavedFilter, Setting
from app.models.user import User

__all__ = [
    "Appeal",
    "Solicitation",
    "AppealExclusion",
    "Membership",
    "MembershipType",
    "RegularGiftPlan",
    "SepaCollection",
    "SepaDebit",
    "SepaMandate",
    "AuditEvent",
    "Base",
    "Campaign",
    "ConsentEvent",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "ErasedIdentity",
    "Gift",
    "ImportBatch",
    "MergeRecord",
    "NotDuplicate",
    "DuplicateSuggestion",
    "OrganisationSettings",
    "PostalAddress",
    "ProcessingActivity",
    "Receipt",
    "ReceiptDelivery",
    "ReceiptLine",
    "ReceiptSequence",
    "RightsRequest",
    "SavedFilter",
    "Setting",
    "Tag",
    "User",
    "contact_tags",
]
