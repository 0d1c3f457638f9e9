"""Who may do what: the role sets of the use cases, the routes and the pages (agency scope is checked per item)."""

from __future__ import annotations

from ledger.record import CONFIDENTIAL_ROLES, READER_ROLES

ALL = ("admin", "agency_admin", "iso_secretary", "agency_leader", "department_leader", "records_controller", "staff",
       "internal_auditor", "inspector")  # not the service account: it reads the event feed and nothing else
MEMBERS = ("iso_secretary", "agency_leader", "department_leader", "records_controller", "staff",
           "internal_auditor", "inspector")  # everyone who reads an agency's documents
LEADERS = ("agency_leader", "department_leader")
DOC_HISTORY = ("iso_secretary", "agency_leader", "department_leader", "internal_auditor", "inspector")
REVIEWERS = ("iso_secretary", "agency_leader", "department_leader", "records_controller", "staff")
REVISERS = ("iso_secretary", "agency_leader", "department_leader", "staff")
RECORD_READERS = READER_ROLES  # the ledger's own list: a grant goes only to someone who reads records
GRANTORS = CONFIDENTIAL_ROLES  # read a confidential record's files by role, and grant access to others
RECORD_OVERSIGHT = ("records_controller", "agency_leader", "internal_auditor", "inspector")
FEED = ("iso_secretary", "agency_leader", "records_controller", "internal_auditor", "inspector", "service_account")
AUDIT = ("admin", "internal_auditor", "inspector")
DOC_CONTROLLERS = ("iso_secretary", "records_controller")  # the records controller when its agency lets it
ACCOUNT_MANAGERS = ("admin", "agency_admin")  # the agency administrator: its own agency only
USER_READERS = ("admin", "agency_admin", "iso_secretary", "agency_leader", "internal_auditor",
                "inspector")  # inspector: supervised
