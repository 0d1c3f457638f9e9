"""Who may do what: the role sets of the use cases, the routes and the pages (agency scope is checked per item)."""

from __future__ import annotations

from ledger.record import CONFIDENTIAL_ROLES, READER_ROLES
from ledger.vocabulary import Role

ALL = tuple(r for r in Role if r != Role.SERVICE_ACCOUNT)  # the service account reads the feed only
MEMBERS = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.RECORDS_CONTROLLER, Role.STAFF,
           Role.INTERNAL_AUDITOR, Role.INSPECTOR)  # everyone who reads an agency's documents
LEADERS = (Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
DOC_HISTORY = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.INTERNAL_AUDITOR, Role.INSPECTOR)
REVIEWERS = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.RECORDS_CONTROLLER, Role.STAFF)
REVISERS = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER, Role.STAFF)
RECORD_READERS = READER_ROLES  # the ledger's own list: a grant goes only to someone who reads records
GRANTORS = CONFIDENTIAL_ROLES  # read a confidential record's files by role, and grant access to others
RECORD_OVERSIGHT = (Role.RECORDS_CONTROLLER, Role.AGENCY_LEADER, Role.INTERNAL_AUDITOR, Role.INSPECTOR)
FEED = (Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.RECORDS_CONTROLLER, Role.INTERNAL_AUDITOR, Role.INSPECTOR,
        Role.SERVICE_ACCOUNT)
AUDIT = (Role.ADMIN, Role.INTERNAL_AUDITOR, Role.INSPECTOR)
DOC_CONTROLLERS = (Role.ISO_SECRETARY, Role.RECORDS_CONTROLLER)  # the records controller when its agency lets it
ACCOUNT_MANAGERS = (Role.ADMIN, Role.AGENCY_ADMIN)  # the agency administrator: its own agency only
USER_READERS = (Role.ADMIN, Role.AGENCY_ADMIN, Role.ISO_SECRETARY, Role.AGENCY_LEADER, Role.INTERNAL_AUDITOR,
                Role.INSPECTOR)  # inspector: supervised
