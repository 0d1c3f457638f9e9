"""The product's typed vocabulary: the states of versions, records, loans, destructions and accounts, and the roles.

Each is a ``StrEnum`` whose values are the words the events and the API have always used, so a member is equal to,
hashes like and serialises as its string: stored events and JSON answers stay byte for byte what they were. The
rest of the code names states and roles through these members, never as bare strings (an architecture test
checks it).
"""

from __future__ import annotations

from enum import StrEnum


class VersionStatus(StrEnum):
    """The recorded step of a document version (whether it is in force on a day: see ``ledger.effect``)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


# A version still in progress (not issued, not withdrawn): at most one per document.
PENDING = (VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.APPROVED, VersionStatus.REJECTED)


class DocumentStatus(StrEnum):
    """A document in the register: in use, or made obsolete."""

    ACTIVE = "active"
    OBSOLETE = "obsolete"


class RecordState(StrEnum):
    """Where a record stands in its life (the register's filters)."""

    OPEN = "open"
    CLOSED = "closed"
    ON_LOAN = "on_loan"
    HELD = "held"
    DUE = "due"
    DESTROYED = "destroyed"


class LoanState(StrEnum):
    """A loan of a record."""

    ON_LOAN = "on_loan"
    RETURNED = "returned"
    OVERDUE = "overdue"


class DestructionStatus(StrEnum):
    """A record's destruction: proposed, approved by the agency leader, executed with its minutes."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    EXECUTED = "executed"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"
    DEACTIVATED = "deactivated"


class GrantState(StrEnum):
    """An access grant to a confidential record's files."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Role(StrEnum):
    ADMIN = "admin"
    AGENCY_ADMIN = "agency_admin"
    ISO_SECRETARY = "iso_secretary"
    AGENCY_LEADER = "agency_leader"
    DEPARTMENT_LEADER = "department_leader"
    RECORDS_CONTROLLER = "records_controller"
    STAFF = "staff"
    INTERNAL_AUDITOR = "internal_auditor"
    INSPECTOR = "inspector"
    SERVICE_ACCOUNT = "service_account"  # an integration: reads its agency's event feed and nothing else


class AgencyLevel(StrEnum):
    """Where an agency sits in the province: a provincial department or sector (sở, ban, ngành tỉnh), a district
    (UBND huyện) or a commune (UBND xã); agencies created before levels existed are provincial."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


# Every state word, for the architecture test that keeps them here.
STATES = (VersionStatus, DocumentStatus, RecordState, LoanState, DestructionStatus, AccountStatus, GrantState)
