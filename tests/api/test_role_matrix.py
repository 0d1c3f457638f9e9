"""Every route × every role × own/other agency, generated from the app's route table, with valid requests.

Each route has an entry in CASES: how to bring a resource into the state the route needs (built through
the ledger, per caller, so one caller's success never changes what the next one sees) and a valid request
body, form or upload. A new route without an entry fails ``test_every_route_has_a_case``. The answers are
exact:

- a role that may call the route, on its own agency → the route's success status;
- a role that may not, on its own agency → 403 ``role_required``;
- anything of another agency (or a role without the right on another agency) → 404, never 403 or 422;
- the inspector on the agency it supervises → the success status for what inspectors read, 403 for writes;
- the administrator on the province-wide routes (agencies, accounts, audit) → success for every agency;
- not signed in → 401.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute

from ledger.actors import Actor
from ledger.application import Ledger
from projections.db import Database
from projections.runner import Projector
from signing import PadesLevel, SigningConfig, build_signing_service
from signing.testing import PASSPHRASE, LoopbackPki, served_pki
from tests.api.conftest import (
    OTHER,
    OWN,
    PASSWORD,
    PEOPLE,
    ROLE_USER,
    SUPERVISOR,
    Api,
    build_world,
    make_api,
    pdf_bytes,
)
from tests.conftest import BACKEND, Clock
from tests.qms.review_setup import frozen_review

PUBLIC = {("GET", "/healthz"), ("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/session"),
          ("GET", "/api/v1/public/agencies/{agency_id}/documents"), ("GET", "/public/agencies/{agency_id}"),
          ("GET", "/api/v1/public/documents/{document_id}/file"), ("GET", "/api/v1/checkpoints/latest"),
          ("GET", "/api/v1/checkpoints"), ("GET", "/api/v1/checkpoints/key"), ("GET", "/api/v1/checkpoints/consistency"),
          ("GET", "/verifier/isoledger_verify.py"),
          ("GET", "/public"), ("GET", "/api/v1/public/agencies"), ("GET", "/api/v1/public/agencies/{agency_id}"),
          ("GET", "/api/v1/public/agencies/{agency_id}/procedures"),
          # complaints from the public (api/routers/public_complaints.py; tests/api/test_public_complaints.py)
          ("GET", "/api/v1/public/agencies/{agency_id}/complaints/form-token"),
          ("POST", "/api/v1/public/agencies/{agency_id}/complaints"),
          ("GET", "/api/v1/public/agencies/{agency_id}/complaints"), ("GET", "/api/v1/public/complaints/{code}")}
ADMIN_WIDE = re.compile(r"^/api/v1/(agencies(/\{agency_id\})?(/users|/seal-image|/departments|/rules)?"
                        r"|users/\{user_id\}(/signature-image|/password-reset)?|departments/\{department_id\}|audit/verify"
                        r"|webhooks/\{webhook_id\}/deliveries|webhook-deliveries/\{delivery_id\}/redeliver"
                        r"|province/calendar/\{agency_id\}|agencies/\{agency_id\}/reports/qms-status\.(?:xlsx|pdf)"
                        r"|agencies/\{agency_id\}/inspection-scores)$")
LEADER = {OWN: "giamdoc", OTHER: "giamdoc-b"}
SECRETARY = {OWN: "thuky", OTHER: "thuky-b"}
CONTROLLER = {OWN: "vanthu", OTHER: "vanthu-b"}
GRANTEE = {OWN: "truongphong", OTHER: "thuky-b"}  # a records reader of the agency, granted a confidential record
ADMIN = Actor("admin", "quan-tri-tinh", frozenset({"admin"}))
PLAN_YEARS = itertools.count(2027)  # each plan the matrix issues is of a year of its own


def guarded_roles(route: APIRoute) -> frozenset[str] | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return frozenset(roles)
        stack.extend(dep.dependencies)
    return None


def routes() -> list[tuple[str, APIRoute]]:
    from api.routers import (accounts, acknowledgements, agencies, audit, auth, departments, documents, evidence,
                             health, inspections, notifications, periodic_review, province, public, public_complaints,
                             qms, records, review_pack, signing, traceability, tthc, webhooks)
    out = []
    for router in [m.router for m in (health, auth, agencies, accounts, departments, documents, signing, records,
                                      audit, evidence, public, notifications, acknowledgements, periodic_review,
                                      webhooks, qms, province, review_pack, inspections, traceability, tthc,
                                      public_complaints)
                   ] + [evidence.verifier_router]:
        for r in router.routes:
            if isinstance(r, APIRoute):
                for method in sorted(r.methods):
                    out.append((method, r))
    return out


ROUTES = routes()
# The QMS processes' routes are generated from their declarations; tests/qms/test_qms_role_matrix.py walks
# each process to every step's source state and holds them to the same rules, generated the same way.
QMS = {(m, r.path) for m, r in ROUTES if "qms" in r.tags}
GUARDED = [(m, r) for m, r in ROUTES if (m, r.path) not in PUBLIC and (m, r.path) not in QMS]


# ---- building state through the ledger ------------------------------------------------------------
@dataclass
class World:
    """Creates documents, records and accounts in the state a route needs, directly in the ledger."""

    api: Api
    pki: LoopbackPki
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    pdf: bytes = field(default_factory=pdf_bytes)

    @property
    def ledger(self) -> Ledger:
        return self.api.ctx.ledger

    def n(self) -> int:
        return next(self.counter)

    @staticmethod
    def person(user: str) -> Actor:
        _, roles, agency = PEOPLE[user]
        return Actor(user, agency, frozenset(roles))

    def file(self, scope: str) -> dict[str, Any]:
        return self.api.archive.put(io.BytesIO(self.pdf), "Quy trình.pdf", scope).to_dict()

    # documents
    def document(self, agency: str, kind: str = "form") -> str:
        return self.ledger.register_document(self.person(SECRETARY[agency]), code=f"QT-{self.n()}",
                                             title="Quy trình kiểm soát", kind=kind, department="Văn phòng")

    def draft(self, agency: str, author: str | None = None, kind: str = "form") -> str:
        doc = self.document(agency, kind)
        # The author held the secretary's role when drafting (roles may change afterwards).
        writer = Actor(author, agency, frozenset({"iso_secretary"})) if author else self.person(SECRETARY[agency])
        self.ledger.create_draft(writer, doc, file=self.file(doc), change_summary="Lần đầu")
        return doc

    def submitted(self, agency: str, approver: str | None = None, reviewers: tuple[str, ...] = (),
                  kind: str = "form") -> str:
        doc = self.draft(agency, kind=kind)
        self.ledger.submit_for_review(self.person(SECRETARY[agency]), doc, 1, reviewers=list(reviewers),
                                      approver=approver or LEADER[agency])
        return doc

    def approved(self, agency: str, approver: str | None = None, kind: str = "form") -> str:
        approver = approver or LEADER[agency]
        doc = self.submitted(agency, approver, kind=kind)
        self.ledger.approve(self.person(approver), doc, 1)
        return doc

    def checkpointed(self, agency: str) -> str:
        """The position of a new event of ``agency``, in a signed checkpoint."""
        doc = self.document(agency)
        position = self.api.ctx.services.projector.catch_up().position
        self.api.ctx.services.checkpoints.make()
        assert self.api.ctx.uc.visibility.agency_of_event(position) == agency, doc
        return str(position)

    # records
    def record(self, agency: str, retention: int = 5) -> str:
        return self.ledger.open_record(self.person(CONTROLLER[agency]), code=f"HS-{self.n()}", title="Hồ sơ",
                                       series="Đánh giá nội bộ", retention_years=retention,
                                       legal_basis="Thông tư 10/2022")

    def with_file(self, agency: str) -> str:
        rec = self.record(agency)
        self.ledger.add_file(self.person(CONTROLLER[agency]), rec, file=self.file(rec), description="Biên bản")
        return rec

    def confidential(self, agency: str) -> str:
        rec = self.ledger.open_record(self.person(CONTROLLER[agency]), code=f"HS-M{self.n()}", title="Hồ sơ mật",
                                      series="Tổ chức cán bộ", retention_years=10, legal_basis="Thông tư 10/2022",
                                      confidentiality="confidential")
        self.ledger.add_file(self.person(CONTROLLER[agency]), rec, file=self.file(rec), description="Biên bản")
        return rec

    def granted(self, agency: str, grantee: str) -> str:
        rec = self.confidential(agency)
        self.ledger.grant_record_access(self.person(LEADER[agency]), rec, grantee=grantee, reason="Thanh tra")
        return rec

    def held(self, agency: str) -> str:
        rec = self.record(agency)
        self.ledger.place_hold(self.person(CONTROLLER[agency]), rec, reason="Thanh tra")
        return rec

    def on_loan(self, agency: str) -> str:
        rec = self.record(agency)
        self.ledger.lend(self.person(CONTROLLER[agency]), rec, purpose="Thanh tra", due_on="2026-04-01",
                         borrower={"external": {"name": "Nguyễn Văn A", "organisation": "Thanh tra tỉnh"}},
                         approved_by=LEADER[agency])
        return rec

    def expired(self, agency: str) -> str:
        rec = self.record(agency, retention=1)
        self.ledger.close_record(self.person(CONTROLLER[agency]), rec, closed_on="2024-01-02")
        return rec

    def proposed(self, agency: str) -> str:
        rec = self.expired(agency)
        self.ledger.propose_destruction(self.person(CONTROLLER[agency]), rec, reason="Hết thời hạn bảo quản")
        return rec

    def destruction_approved(self, agency: str) -> str:
        rec = self.proposed(agency)
        self.ledger.approve_destruction(self.person(LEADER[agency]), rec, decision_no="12/QĐ",
                                        decided_by=LEADER[agency], council=[LEADER[agency], CONTROLLER[agency]])
        return rec

    # signature and seal images
    def signature_image(self, agency: str) -> str:
        from signing.version import account_scope

        user = LEADER[agency]
        ref = self.api.archive.put(io.BytesIO(stamp_png()), "chu-ky.png", account_scope(user))
        self.api.ctx.directory.set_signature_image(ADMIN, user, file=ref.to_dict())
        return user

    def seal_image(self, agency: str) -> str:
        from signing.version import agency_scope

        ref = self.api.archive.put(io.BytesIO(stamp_png()), "con-dau.png", agency_scope(agency))
        self.api.ctx.directory.set_seal_image(ADMIN, agency, file=ref.to_dict())
        return agency

    def issued(self, agency: str, to: str | None = None) -> str:
        """Version 1 issued, distributed to ``to`` (named directly; the agency's leader by default)."""
        doc = self.approved(agency)
        self.ledger.issue(self.person(SECRETARY[agency]), doc, 1, effective_from="2026-03-02",
                          distribution=[to or LEADER[agency]])
        return doc

    # webhooks
    def webhook(self, agency: str) -> str:
        manager = Actor(f"quan-tri-{agency}", agency, frozenset({"agency_admin"}))
        return str(self.api.ctx.uc.webhooks.register(manager, url="http://127.0.0.1:9/x", kinds=["*"])["id"])

    def dead_delivery(self, agency: str) -> str:
        hook, n = self.webhook(agency), self.n()
        with self.api.ctx.db.transaction() as cur:
            cur.execute("INSERT INTO webhook_deliveries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (f"{hook}:t{n}", hook, 1, "Document.Registered", agency, "dead", 6, "", None, 500, "HTTP 500",
                         "2026-03-02T02:00:00+00:00", None))
        return f"{hook}:t{n}"

    # notifications
    def notification(self, agency: str, user: str | None) -> str:
        """A notification for ``user`` (the agency's leader for a shared one) about a draft of ``agency``."""
        doc, who, n = self.draft(agency), user or LEADER[agency], self.n()
        with self.api.ctx.db.transaction() as cur:
            cur.execute("INSERT INTO notifications (id, user_id, agency_id, kind, subject, aggregate_id, n, title, "
                        "actor, at, position, data, mail, mail_attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (f"t{n}:{who}", who, agency, "reviewed", "document", doc, 1, "QT", "thuky",
                         "2026-03-02T02:00:00+00:00", None, "{}", "off", 0))
        return f"t{n}:{who}"

    # the province's plans
    def year_plan(self) -> str:
        """A plan issued for a year of its own."""
        from ledger.calendar.year_plan import Plans

        year = next(PLAN_YEARS)
        Plans(self.ledger).issue(ADMIN, year)
        return str(year)

    @staticmethod
    def plan_steps() -> list[dict[str, Any]]:
        from ledger.calendar.plan import DEFAULT_STEPS, step_dict

        return [step_dict(s) for s in DEFAULT_STEPS]

    # people
    def account(self, agency: str) -> str:
        username = f"nguoi-{self.n()}"
        self.api.ctx.directory.create_account(ADMIN, username=username, agency_id=agency, full_name="Người Thử",
                                              roles=["staff"])
        return username


# ---- one entry per route --------------------------------------------------------------------------
Values = dict[str, str]


@dataclass(frozen=True)
class Case:
    """``prepare(world, agency, caller)`` gives the path values (``caller`` is None for a shared resource
    that only refused callers touch); ``request(world, values)`` the keyword arguments of a valid request."""

    ok: int
    prepare: Callable[[World, str, str | None], Values] = lambda w, a, u: {}
    request: Callable[[World, Values], dict[str, Any]] = lambda w, v: {}
    fresh_login: bool = False  # the call ends the caller's token


def doc(make: Callable[[World, str, str | None], str]) -> Callable[[World, str, str | None], Values]:
    return lambda w, a, u: {"document_id": make(w, a, u), "n": "1"}


def rec(make: Callable[[World, str, str | None], str]) -> Callable[[World, str, str | None], Values]:
    return lambda w, a, u: {"record_id": make(w, a, u), "index": "1"}


def upload(field_name: str = "file", **form: Any) -> Callable[[World, Values], dict[str, Any]]:
    return lambda w, v: {"files": {field_name: ("Quy trình.pdf", io.BytesIO(w.pdf), "application/pdf")},
                         "data": form}


def body(make: Callable[[World], dict[str, Any]]) -> Callable[[World, Values], dict[str, Any]]:
    return lambda w, v: {"json": make(w)}


def _sign(w: World, v: Values) -> dict[str, Any]:
    return {"files": {"p12": ("ky.p12", io.BytesIO(w.pki.pkcs12("leader", PASSPHRASE.encode())),
                              "application/x-pkcs12")},
            "data": {"meaning": "approval", "passphrase": PASSPHRASE}}


def stamp_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(5, 50), (60, 5), (115, 40)], fill=(20, 40, 200, 255), width=5)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def png_upload(w: World, v: Values) -> dict[str, Any]:
    return {"files": {"file": ("ảnh.png", io.BytesIO(stamp_png()), "image/png")}}


def _other_than(user: str | None, agency: str) -> str:
    return "truongphong" if user == LEADER[agency] else LEADER[agency]


def _department(w: World, agency: str) -> str:
    dep = w.api.ctx.directory.create_department(ADMIN, agency, code=f"P-{w.n()}", name="Phòng Hành chính")
    return str(dep["id"])


OLD_PASSWORD = "mat-khau-cu-truoc-khi-doi"


def _old_password(w: World, agency: str, user: str | None) -> Values:
    """The caller signs in first, then their password is an old one that the request changes back."""
    if user:
        w.api.login(user)
        w.api.ctx.store.set_password_hash(user, w.api.ctx.passwords.hash(OLD_PASSWORD))
    return {}


def controlled(prepare: Callable[[World, str, str | None], Values]) -> Callable[[World, str, str | None], Values]:
    """The agency lets its records controller control documents (Điều 4.5), then ``prepare``."""
    def run(w: World, agency: str, user: str | None) -> Values:
        if not w.api.ctx.directory.agency(agency)["records_controller_controls_documents"]:
            w.api.ctx.directory.set_agency_rules(ADMIN, agency, records_controller_controls_documents=True)
        return prepare(w, agency, user)
    return run


V1 = "/api/v1"
CASES: dict[tuple[str, str], Case] = {
    # signing in
    ("DELETE", f"{V1}/auth/session"): Case(204, fresh_login=True),
    ("GET", f"{V1}/auth/me"): Case(200),
    # agencies and people
    ("POST", f"{V1}/agencies"): Case(201, request=body(lambda w: {
        "agency_id": f"so-moi-{w.n()}", "name": "Sở mới", "supervised_by": [SUPERVISOR]})),
    ("GET", f"{V1}/agencies"): Case(200),
    ("GET", f"{V1}/agencies/{{agency_id}}"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("PATCH", f"{V1}/agencies/{{agency_id}}"): Case(200, lambda w, a, u: {"agency_id": a},
                                                   body(lambda w: {"level": "province"})),
    ("POST", f"{V1}/agencies/{{agency_id}}/users"): Case(201, lambda w, a, u: {"agency_id": a}, body(lambda w: {
        "username": f"moi-{w.n()}", "full_name": "Người Mới", "roles": ["staff"], "password": "mat-khau-du-dai-10"})),
    ("GET", f"{V1}/agencies/{{agency_id}}/users"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("PATCH", f"{V1}/users/{{user_id}}"): Case(200, lambda w, a, u: {"user_id": w.account(a)},
                                               body(lambda w: {"action": "lock", "reason": "Nghỉ việc"})),
    ("PUT", f"{V1}/users/{{user_id}}/signature-image"): Case(
        200, lambda w, a, u: {"user_id": u if u and u != "admin" else LEADER[a]}, png_upload),
    ("GET", f"{V1}/users/{{user_id}}/signature-image"): Case(200, lambda w, a, u: {"user_id": w.signature_image(a)}),
    ("PUT", f"{V1}/agencies/{{agency_id}}/seal-image"): Case(200, lambda w, a, u: {"agency_id": a}, png_upload),
    ("GET", f"{V1}/agencies/{{agency_id}}/seal-image"): Case(200, lambda w, a, u: {"agency_id": w.seal_image(a)}),
    ("POST", f"{V1}/users/{{user_id}}/password-reset"): Case(200, lambda w, a, u: {"user_id": w.account(a)}),
    ("POST", f"{V1}/auth/password"): Case(204, _old_password, body(lambda w: {
        "current_password": OLD_PASSWORD, "new_password": PASSWORD})),
    # departments and the agency's approval rules
    ("POST", f"{V1}/agencies/{{agency_id}}/departments"): Case(201, lambda w, a, u: {"agency_id": a}, body(lambda w: {
        "code": f"P-{w.n()}", "name": "Phòng Kế hoạch – Tài chính", "leader": None})),
    ("GET", f"{V1}/agencies/{{agency_id}}/departments"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("GET", f"{V1}/departments/{{department_id}}"): Case(200, lambda w, a, u: {"department_id": _department(w, a)}),
    ("PATCH", f"{V1}/departments/{{department_id}}"): Case(
        200, lambda w, a, u: {"department_id": _department(w, a)}, body(lambda w: {"name": "Phòng Tổng hợp"})),
    ("GET", f"{V1}/agencies/{{agency_id}}/rules"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("PATCH", f"{V1}/agencies/{{agency_id}}/rules"): Case(200, lambda w, a, u: {"agency_id": a}, body(lambda w: {
        "delegated_kinds": ["form", "instruction", "other", "procedure", "regulation"]})),
    # documents
    ("POST", f"{V1}/agencies/{{agency_id}}/documents"): Case(
        201, controlled(lambda w, a, u: {"agency_id": a}),
        body(lambda w: {"code": f"BM-{w.n()}", "title": "Biểu mẫu", "kind": "form", "department": "Văn phòng"})),
    ("GET", f"{V1}/agencies/{{agency_id}}/documents"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("GET", f"{V1}/documents/{{document_id}}"): Case(200, doc(lambda w, a, u: w.draft(a))),
    ("POST", f"{V1}/documents/{{document_id}}/versions"): Case(
        201, controlled(doc(lambda w, a, u: w.document(a))), upload(change_summary="Lần đầu")),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/revise"): Case(
        200, doc(lambda w, a, u: w.draft(a, author=u)), upload(change_summary="Sửa lỗi chính tả")),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/submit"): Case(
        200, controlled(doc(lambda w, a, u: w.draft(a))), lambda w, v: {"json": {"reviewers": [], "approver": "giamdoc"}}),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/reviews"): Case(
        200, doc(lambda w, a, u: w.submitted(a, _other_than(u, a), reviewers=(u or CONTROLLER[a],))),
        body(lambda w: {"verdict": "agree", "comment": "Đồng ý"})),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/approve"): Case(
        200, doc(lambda w, a, u: w.submitted(a, u))),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/reject"): Case(
        200, doc(lambda w, a, u: w.submitted(a, u)), body(lambda w: {"reason": "Cần bổ sung"})),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/sign"): Case(
        200, doc(lambda w, a, u: w.approved(a, u, kind="procedure")), _sign),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/issue"): Case(
        200, controlled(doc(lambda w, a, u: w.approved(a))),
        body(lambda w: {"effective_from": "2026-04-01", "distribution": ["leadership"]})),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/withdraw"): Case(
        200, doc(lambda w, a, u: w.draft(a)), body(lambda w: {"reason": "Không còn cần"})),
    ("GET", f"{V1}/documents/{{document_id}}/versions/{{n}}/file"): Case(200, doc(lambda w, a, u: w.draft(a))),
    ("GET", f"{V1}/documents/{{document_id}}/versions/{{n}}/signatures"): Case(
        200, doc(lambda w, a, u: w.draft(a))),
    ("GET", f"{V1}/documents/{{document_id}}/history"): Case(200, doc(lambda w, a, u: w.draft(a))),
    ("POST", f"{V1}/signatures/verify"): Case(200, request=upload()),
    # records
    ("POST", f"{V1}/agencies/{{agency_id}}/records"): Case(201, lambda w, a, u: {"agency_id": a}, body(lambda w: {
        "code": f"HS-M{w.n()}", "title": "Hồ sơ", "series": "Đánh giá", "retention_years": 5,
        "legal_basis": "Thông tư 10/2022"})),
    ("GET", f"{V1}/agencies/{{agency_id}}/records"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("GET", f"{V1}/records/{{record_id}}"): Case(200, rec(lambda w, a, u: w.record(a))),
    ("POST", f"{V1}/records/{{record_id}}/files"): Case(
        201, rec(lambda w, a, u: w.record(a)), upload(description="Biên bản họp")),
    ("GET", f"{V1}/records/{{record_id}}/files/{{index}}"): Case(200, rec(lambda w, a, u: w.with_file(a))),
    ("POST", f"{V1}/records/{{record_id}}/close"): Case(
        200, rec(lambda w, a, u: w.record(a)), body(lambda w: {"closed_on": "2026-03-01"})),
    ("POST", f"{V1}/records/{{record_id}}/holds"): Case(
        200, rec(lambda w, a, u: w.record(a)), body(lambda w: {"reason": "Thanh tra"})),
    ("POST", f"{V1}/records/{{record_id}}/holds/release"): Case(200, rec(lambda w, a, u: w.held(a))),
    ("POST", f"{V1}/records/{{record_id}}/loans"): Case(200, rec(lambda w, a, u: w.record(a)), body(lambda w: {
        "borrower": {"external": {"name": "Nguyễn Văn A", "organisation": "Thanh tra tỉnh"}}, "purpose": "Thanh tra",
        "due_on": "2026-04-01", "approved_by": "giamdoc"})),
    ("POST", f"{V1}/records/{{record_id}}/loans/current/extend"): Case(
        200, rec(lambda w, a, u: w.on_loan(a)), body(lambda w: {"due_on": "2026-05-01"})),
    ("POST", f"{V1}/records/{{record_id}}/loans/current/return"): Case(
        200, rec(lambda w, a, u: w.on_loan(a)), body(lambda w: {"received_by": "vanthu", "note": "Đủ"})),
    ("GET", f"{V1}/agencies/{{agency_id}}/loans"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("GET", f"{V1}/agencies/{{agency_id}}/retention/due"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("POST", f"{V1}/records/{{record_id}}/destruction/propose"): Case(
        200, rec(lambda w, a, u: w.expired(a)), body(lambda w: {"reason": "Hết thời hạn bảo quản"})),
    ("POST", f"{V1}/records/{{record_id}}/destruction/approve"): Case(
        200, rec(lambda w, a, u: w.proposed(a)),
        body(lambda w: {"decision_no": "12/QĐ", "decided_by": "giamdoc", "council": ["giamdoc", "vanthu"]})),
    ("POST", f"{V1}/records/{{record_id}}/destruction/execute"): Case(
        200, rec(lambda w, a, u: w.destruction_approved(a)),
        lambda w, v: {"files": {"minutes_file": ("Biên bản hủy.pdf", io.BytesIO(w.pdf), "application/pdf")},
                      "data": {"executed_by": "vanthu", "witnesses": ["giamdoc", "danhgia"],
                               "method": "crypto_shredding"}}),
    ("GET", f"{V1}/records/{{record_id}}/history"): Case(200, rec(lambda w, a, u: w.record(a))),
    ("POST", f"{V1}/records/{{record_id}}/access-grants"): Case(
        200, rec(lambda w, a, u: w.confidential(a)),
        body(lambda w: {"grantee": "truongphong", "reason": "Thanh tra", "until": "2026-04-01"})),
    ("POST", f"{V1}/records/{{record_id}}/access-grants/{{grantee}}/revoke"): Case(
        200, lambda w, a, u: {"record_id": w.granted(a, GRANTEE[a]), "grantee": GRANTEE[a]},
        body(lambda w: {"reason": "Đã xong"})),
    # read and understood
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/acknowledge"): Case(
        200, doc(lambda w, a, u: w.issued(a, u))),
    ("GET", f"{V1}/documents/{{document_id}}/versions/{{n}}/acknowledgements"): Case(
        200, doc(lambda w, a, u: w.issued(a))),
    ("POST", f"{V1}/documents/{{document_id}}/versions/{{n}}/acknowledgements/remind"): Case(
        200, controlled(doc(lambda w, a, u: w.issued(a)))),
    # periodic review
    ("PUT", f"{V1}/documents/{{document_id}}/review-period"): Case(
        200, controlled(doc(lambda w, a, u: w.document(a))), body(lambda w: {"months": 6})),
    ("POST", f"{V1}/documents/{{document_id}}/periodic-review"): Case(
        200, controlled(doc(lambda w, a, u: w.issued(a))), body(lambda w: {"comment": "Vẫn phù hợp, không sửa"})),
    ("GET", f"{V1}/documents/{{document_id}}/periodic-review"): Case(200, doc(lambda w, a, u: w.issued(a))),
    ("GET", f"{V1}/agencies/{{agency_id}}/documents/review-overdue"): Case(200, lambda w, a, u: {"agency_id": a}),
    # webhooks
    ("POST", f"{V1}/webhooks"): Case(201, request=body(lambda w: {"url": "http://127.0.0.1:9/x", "kinds": ["*"]})),
    ("GET", f"{V1}/webhooks"): Case(200),
    ("GET", f"{V1}/webhooks/{{webhook_id}}/deliveries"): Case(200, lambda w, a, u: {"webhook_id": w.webhook(a)}),
    ("POST", f"{V1}/webhook-deliveries/{{delivery_id}}/redeliver"): Case(
        200, lambda w, a, u: {"delivery_id": w.dead_delivery(a)}),
    # notifications
    ("GET", f"{V1}/notifications"): Case(200),
    ("POST", f"{V1}/notifications/{{notification_id}}/read"): Case(
        200, lambda w, a, u: {"notification_id": w.notification(a, u)}),
    ("GET", f"{V1}/notifications/preferences"): Case(200),
    ("PUT", f"{V1}/notifications/preferences"): Case(
        200, request=body(lambda w: {"kind": "reviewed", "mode": "digest"})),
    # a management review's frozen input pack
    ("GET", f"{V1}/management-reviews/{{case_id}}/input-pack"): Case(
        200, lambda w, a, u: {"case_id": frozen_review(w, a, SECRETARY[a], LEADER[a])}),
    # QMS traceability (a clause: nothing needs to exist first)
    ("GET", f"{V1}/agencies/{{agency_id}}/traceability"): Case(200, lambda w, a, u: {"agency_id": a},
                                                               lambda w, v: {"params": {"clause": "9.2"}}),
    # audit
    ("GET", f"{V1}/events"): Case(200),
    ("GET", f"{V1}/audit/verify"): Case(200),
    ("GET", f"{V1}/events/{{position}}/proof"): Case(200, lambda w, a, u: {"position": w.checkpointed(a)}),
    ("GET", f"{V1}/documents/{{document_id}}/evidence"): Case(200, doc(lambda w, a, u: w.draft(a))),
    ("GET", f"{V1}/records/{{record_id}}/evidence"): Case(200, rec(lambda w, a, u: w.with_file(a))),
    # the province's calendar (a plan per year: each caller issues or changes its own year's)
    ("GET", f"{V1}/province/plan"): Case(200, request=lambda w, v: {"params": {"year": 2026}}),
    ("POST", f"{V1}/province/plan"): Case(201, lambda w, a, u: {"plan_year": str(next(PLAN_YEARS))},
                                          lambda w, v: {"json": {"year": int(v["plan_year"])}}),
    ("PUT", f"{V1}/province/plan/steps"): Case(200, lambda w, a, u: {"plan_year": w.year_plan()}, lambda w, v: {
        "json": {"year": int(v["plan_year"]), "reason": "Điều chỉnh hạn", "steps": w.plan_steps()}}),
    ("POST", f"{V1}/province/plan/guidance"): Case(200, lambda w, a, u: {"plan_year": w.year_plan()}, lambda w, v: {
        "json": {"year": int(v["plan_year"]), "day": f"{v['plan_year']}-08-10", "title": "Văn bản hướng dẫn mới"}}),
    ("GET", f"{V1}/province/dashboard"): Case(200, request=lambda w, v: {"params": {"year": 2026}}),
    ("GET", f"{V1}/province/calendar/{{agency_id}}"): Case(200, lambda w, a, u: {"agency_id": a},
                                                         lambda w, v: {"params": {"year": 2026}}),
    ("GET", f"{V1}/province/reports/qms-status.xlsx"): Case(200, request=lambda w, v: {"params": {"year": 2026}}),
    ("GET", f"{V1}/province/reports/qms-status.pdf"): Case(200, request=lambda w, v: {"params": {"year": 2026}}),
    ("GET", f"{V1}/agencies/{{agency_id}}/reports/qms-status.xlsx"): Case(
        200, lambda w, a, u: {"agency_id": a}, lambda w, v: {"params": {"year": 2026}}),
    ("GET", f"{V1}/agencies/{{agency_id}}/reports/qms-status.pdf"): Case(
        200, lambda w, a, u: {"agency_id": a}, lambda w, v: {"params": {"year": 2026}}),
    # inspections and the declaration of conformity, as each side reads them
    ("GET", f"{V1}/inspections"): Case(200),
    ("GET", f"{V1}/agencies/{{agency_id}}/inspection-scores"): Case(200, lambda w, a, u: {"agency_id": a}),
    ("GET", f"{V1}/agencies/{{agency_id}}/conformity"): Case(200, lambda w, a, u: {"agency_id": a},
                                                             lambda w, v: {"params": {"year": 2026}}),
    # administrative procedures (TTHC)
    ("GET", f"{V1}/agencies/{{agency_id}}/procedures"): Case(200, lambda w, a, u: {"agency_id": a}),
}


def test_every_route_is_guarded_or_listed_as_public():
    unguarded = {(m, r.path) for m, r in ROUTES if guarded_roles(r) is None}
    assert unguarded == PUBLIC


def test_every_guarded_route_has_a_case():
    assert {(m, r.path) for m, r in GUARDED} == set(CASES)


def test_the_matrix_covers_the_apps_own_route_table(api):
    # FastAPI keeps included routers nested; the OpenAPI document lists every route the app serves.
    served = {(m.upper(), path) for path, ops in api.app.openapi()["paths"].items() for m in ops}
    assert served == {(m, r.path) for m, r in ROUTES}


# ---- one app for the whole module (every case builds its own resources) ------------------------------
@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackPki]:
    with served_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture(scope="module")
def matrix(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           pki: LoopbackPki) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("matrix")
    if BACKEND == "postgres":
        url = request.getfixturevalue("pg_server").create_database(f"matrix_{abs(hash(str(tmp))) % 10**8}")
    else:
        url = f"sqlite:///{tmp / 'ledger.sqlite3'}"
    ledger = Ledger(url, clock=Clock())
    db = Database(url)
    projector = Projector(ledger, db)
    projector.create_tables()
    service = build_signing_service(SigningConfig(level=PadesLevel.B_B, trust_roots=(pki.root_cert_path,)))
    api = make_api(url, tmp, ledger, projector, signing=service)
    with api.client:
        build_world(api)
        yield World(api, pki)
    api.archive.close()
    service.close()
    db.close()
    ledger.close()


def _fill(template: str, values: Values) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def _sees(user: str, agency: str, path: str) -> bool:
    if user == "admin":
        return bool(ADMIN_WIDE.match(path))
    _, roles, home = PEOPLE[user]
    return agency == home or ("inspector" in roles and agency == OWN)  # OWN is supervised by the inspector's


def _roles(user: str) -> frozenset[str]:
    return frozenset({"admin"}) if user == "admin" else frozenset(PEOPLE[user][1])


@pytest.mark.parametrize(("method", "route"), GUARDED, ids=[f"{m} {r.path}" for m, r in GUARDED])
def test_role_and_agency_matrix(matrix: World, method: str, route: APIRoute) -> None:
    w, api, case = matrix, matrix.api, CASES[(method, route.path)]
    allowed = guarded_roles(route)
    assert allowed is not None
    scoped = "{" in route.path
    shared = {a: case.prepare(w, a, None) for a in (OWN, OTHER)}
    failures = []
    for role, user in ROLE_USER.items():
        for agency in (OWN, OTHER) if scoped else (OWN,):
            may = bool(_roles(user) & allowed)
            sees = not scoped or _sees(user, agency, route.path)
            values = case.prepare(w, agency, user) if may and sees and method != "GET" else shared[agency]
            headers = {}
            if case.fresh_login:
                api.tokens.pop(user, None)
            headers.update(api.login(user))
            r = api.client.request(method, _fill(route.path, values), headers=headers, **case.request(w, values))
            if case.fresh_login:
                api.tokens.pop(user, None)
            code = r.json().get("code") if "json" in r.headers.get("content-type", "") else None
            if not sees:
                want: tuple[int, str | None] = (404, "not_found")
            elif not may:
                want = (403, "role_required")
            else:
                want = (case.ok, None)
            got = (r.status_code, code if want[1] else None)
            if got != want:
                failures.append(f"{role} on {agency}: want {want}, got {r.status_code} {r.text[:300]}")
    assert not failures, "\n".join(failures)
    # Without signing in at all: 401, never data.
    r = api.client.request(method, _fill(route.path, shared[OWN]), **case.request(w, shared[OWN]))
    assert r.status_code == 401, r.text
