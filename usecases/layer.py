"""``UseCases``: every use case over one ``Deps``, as the composition root builds it once."""

from __future__ import annotations

from dataclasses import dataclass

from usecases.accounts import Accounts
from usecases.acknowledgements import Acknowledgements
from usecases.conformity import Conformity
from usecases.departments import Departments
from usecases.deps import Deps
from usecases.disclosure import Disclosure
from usecases.documents import Documents
from usecases.evidence import Evidence
from usecases.feed import EventFeed
from usecases.health import Health
from usecases.history import Histories
from usecases.inspections import Inspections
from usecases.notifications import Notifications
from usecases.periodic_review import PeriodicReviews
from usecases.planning import Planning
from usecases.province import Province
from usecases.public_complaints import PublicComplaints
from usecases.qms import Qms
from usecases.records import Records
from usecases.registers import Registers
from usecases.reminders import Reminders
from usecases.review_pack import ReviewPacks
from usecases.signing import Signing
from usecases.traceability import Traceability
from usecases.tthc import Procedures
from usecases.verification import Verification
from usecases.visibility import Visibility
from usecases.webhooks import Webhooks


@dataclass(frozen=True)
class UseCases:
    """The service layer the API routes, the web pages and the CLI call (``uc.records.lend(actor, ...)``)."""

    deps: Deps
    visibility: Visibility
    documents: Documents
    records: Records
    signing: Signing
    verification: Verification
    registers: Registers
    history: Histories
    evidence: Evidence
    accounts: Accounts
    departments: Departments
    health: Health
    notifications: Notifications
    reminders: Reminders
    acknowledgements: Acknowledgements
    periodic_reviews: PeriodicReviews
    feed: EventFeed
    webhooks: Webhooks
    qms: Qms
    planning: Planning
    province: Province
    review_packs: ReviewPacks
    inspections: Inspections
    conformity: Conformity
    traceability: Traceability
    tthc: Procedures
    disclosure: Disclosure
    public_complaints: PublicComplaints

    @classmethod
    def over(cls, deps: Deps) -> UseCases:
        seen = Visibility(deps)
        history = Histories(deps, seen)
        told, registers = Notifications(deps, seen), Registers(deps, seen)
        tthc = Procedures(deps, seen)
        return cls(deps, seen, Documents(deps, seen), Records(deps, seen), Signing(deps, seen),
                   Verification(deps, seen), registers, history, Evidence(deps, seen, history),
                   Accounts(deps, seen), Departments(deps, seen), Health(deps), told, Reminders(deps, told),
                   Acknowledgements(deps, seen), PeriodicReviews(deps, seen), EventFeed(deps, registers),
                   Webhooks(deps, seen), Qms(deps, seen), Planning(Qms(deps, seen), Departments(deps, seen)),
                   Province(deps, seen), ReviewPacks(deps, Qms(deps, seen)), Inspections(deps, seen),
                   Conformity(deps, seen), Traceability(deps, seen), tthc, Disclosure(deps, seen, tthc),
                   PublicComplaints(deps, seen))
