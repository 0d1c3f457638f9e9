"""The directory: agencies (cơ quan) and user accounts (tài khoản), with their lifecycle as events."""

from __future__ import annotations

import re
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from ledger import validation as v
from ledger.actors import LEADERS, ROLES, Actor
from ledger.aggregate import LedgerAggregate
from ledger.application import guarded
from ledger.approval import DEFAULT_DELEGATED, check_delegated
from ledger.department import LEADERSHIP, Department, admin_meta, department_state
from ledger.document import KINDS
from ledger.errors import ConcurrentWrite, InvalidInput, NotAllowed, NotFound, RuleViolation, StaleVersion
from ledger.vocabulary import AccountStatus, AgencyLevel, Role

_AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATUSES = {AccountStatus.ACTIVE: "Đang hoạt động", AccountStatus.LOCKED: "Bị khóa",
            AccountStatus.DEACTIVATED: "Đã vô hiệu hóa"}

LEVELS = {AgencyLevel.PROVINCE: ("Sở, ban, ngành tỉnh", "Provincial department"),
          AgencyLevel.DISTRICT: ("Cấp huyện", "District"), AgencyLevel.COMMUNE: ("Cấp xã", "Commune")}

SELF_SUPERVISION = ("Cơ quan không tự giám sát chính mình.", "An agency cannot supervise itself.")


def agency_uuid(agency_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"isoledger:agency:{agency_id}")


def account_uuid(username: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"isoledger:account:{username}")


def check_agency_id(value: Any, field: str = "agency_id") -> str:
    value = v.text(value, field, max_len=63)
    if not _AGENCY_ID.match(value):
        raise InvalidInput("Mã cơ quan gồm chữ thường không dấu, số và dấu gạch ngang (2–63 ký tự), "
                           "ví dụ so-khcn-tra-vinh.",
                           "An agency id is 2-63 lowercase letters, digits and hyphens, e.g. so-khcn-tra-vinh.",
                           field=field)
    return str(value)


def is_username(value: str) -> bool:
    """Whether an account could be named ``value`` (the rule ``check_username`` enforces)."""
    return _USERNAME.fullmatch(value) is not None


def check_username(value: Any, field: str = "username") -> str:
    value = v.text(value, field, max_len=63)
    if not _USERNAME.match(value):
        raise InvalidInput("Tên đăng nhập gồm chữ thường không dấu, số và . _ - (2–63 ký tự).",
                           "A username is 2-63 lowercase letters, digits and . _ -.", field=field)
    return str(value)


def check_roles(values: Any, field: str = "roles", *, by: dict[str, str] | None = None) -> list[str]:
    roles = v.user_ids(values, field, at_least=1)
    for role in roles:
        v.choice(role, field, tuple(ROLES))
    if by is not None and by["role"] != Role.ADMIN and Role.ADMIN in roles:
        raise NotAllowed("Chỉ quản trị hệ thống được giao vai trò quản trị hệ thống.",
                         "Only the system administrator may grant the system administrator role.",
                         code="role_not_grantable")
    return sorted(roles)


class Agency(LedgerAggregate):
    """A state agency; ``supervised_by`` lists the agencies whose inspectors may read it."""

    @classmethod
    def create(cls, actor: Actor, *, agency_id: str, name: str, supervised_by: list[str],
               level: str | None = None) -> Agency:
        meta = actor.meta(Role.ADMIN)
        agency_id = check_agency_id(agency_id)
        sup = [check_agency_id(s, "supervised_by") for s in v.user_ids(supervised_by, "supervised_by")]
        if agency_id in sup:
            raise InvalidInput(*SELF_SUPERVISION, field="supervised_by")
        created: Agency = cls._create(cast(Any, cls).AgencyCreated, id=agency_uuid(agency_id), agency_id=agency_id,
                           name=v.text(name, "name", max_len=300), supervised_by=sup, meta=meta,
                           level=v.choice(level or AgencyLevel.PROVINCE, "level", tuple(LEVELS)))
        return created

    def update(self, actor: Actor, *, name: str | None, supervised_by: list[str] | None,
               level: str | None = None) -> None:
        meta = actor.meta(Role.ADMIN)
        new_name = self.name if name is None else v.text(name, "name", max_len=300)
        sup = self.supervised_by if supervised_by is None else [
            check_agency_id(s, "supervised_by") for s in v.user_ids(supervised_by, "supervised_by")]
        if self.agency_id in sup:
            raise InvalidInput(*SELF_SUPERVISION, field="supervised_by")
        new_level = self.level if level is None else v.choice(level, "level", tuple(LEVELS))
        self._updated(name=new_name, supervised_by=list(sup), meta=meta, level=new_level)

    def set_seal_image(self, actor: Actor, file: dict[str, Any]) -> None:
        """The agency's seal (con dấu) drawn on its approval stamps; by the administrator, or within the agency by
        its leader or the records controller (văn thư, who keeps the seal under Decree 30/2020)."""
        own = (Role.AGENCY_LEADER, Role.RECORDS_CONTROLLER) if actor.agency_id == self.agency_id else ()
        meta = actor.meta(Role.ADMIN, *own)
        self._seal_image_set(file=_png_ref(file, "seal_image"), meta=meta)

    def set_rules(self, actor: Actor, *, delegated_kinds: list[str] | None,
                  records_controller_controls_documents: bool | None,
                  require_trusted_approval: bool | None = None) -> None:
        """What the agency delegates to its department leaders, whether its records controller also controls
        documents, and whether an approval signature must chain to a configured trust root; by the
        administrator or the agency's own administrator."""
        meta = admin_meta(actor, self.agency_id)
        kinds = self.delegated_kinds if delegated_kinds is None else check_delegated(delegated_kinds, KINDS)
        controls = self.records_controller_controls_documents if records_controller_controls_documents is None \
            else records_controller_controls_documents
        if not isinstance(controls, bool):
            raise InvalidInput("Giá trị phải là đúng hoặc sai.", "The value must be true or false.",
                               field="records_controller_controls_documents")
        trusted = self.require_trusted_approval if require_trusted_approval is None else require_trusted_approval
        if not isinstance(trusted, bool):
            raise InvalidInput("Giá trị phải là đúng hoặc sai.", "The value must be true or false.",
                               field="require_trusted_approval")
        self._rules_set(delegated_kinds=list(kinds), records_controller_controls_documents=controls,
                        require_trusted_approval=trusted, meta=meta)

    @event("AgencyCreated")
    def __init__(self, agency_id: str, name: str, supervised_by: list[str], meta: dict[str, str],
                 level: str = AgencyLevel.PROVINCE) -> None:
        self.agency_id = agency_id
        self.name = name
        self.supervised_by = list(supervised_by)
        self.level = level
        self.seal_image: dict[str, Any] | None = None
        self.delegated_kinds = sorted(DEFAULT_DELEGATED)
        self.records_controller_controls_documents = False
        self.require_trusted_approval = False

    @event("AgencyRulesSet")
    def _rules_set(self, delegated_kinds: list[str], records_controller_controls_documents: bool,
                   meta: dict[str, str], require_trusted_approval: bool = False) -> None:
        self.delegated_kinds = list(delegated_kinds)
        self.records_controller_controls_documents = records_controller_controls_documents
        self.require_trusted_approval = require_trusted_approval

    @event("SealImageSet")
    def _seal_image_set(self, file: dict[str, Any], meta: dict[str, str]) -> None:
        self.seal_image = dict(file)

    @event("AgencyUpdated")
    def _updated(self, name: str, supervised_by: list[str], meta: dict[str, str], level: str | None = None) -> None:
        self.name = name
        self.supervised_by = list(supervised_by)
        if level is not None:  # absent from updates recorded before levels existed
            self.level = level


class Account(LedgerAggregate):
    """A person's account in one agency, with roles; locked or deactivated accounts cannot sign in.

    Password hashes are not facts of the ledger: they live in the API's credential table.
    """

    @classmethod
    def create(cls, actor: Actor, *, username: str, agency_id: str, full_name: str, roles: list[str],
               email: str = "", department: str | None = None) -> Account:
        agency_id = check_agency_id(agency_id)
        meta = admin_meta(actor, agency_id)
        username = check_username(username)
        created: Account = cls._create(cast(Any, cls).AccountCreated, id=account_uuid(username), username=username,
                           agency_id=agency_id, full_name=v.text(full_name, "full_name", max_len=200),
                           roles=check_roles(roles, by=meta), email=check_email(email), department=department,
                           meta=meta)
        return created

    def change_roles(self, actor: Actor, roles: list[str]) -> None:
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        if meta["role"] != Role.ADMIN and Role.ADMIN in self.roles:
            raise NotAllowed("Chỉ quản trị hệ thống được đổi vai trò của quản trị hệ thống.",
                             "Only the system administrator may change an administrator's roles.",
                             code="role_not_grantable")
        self._roles_changed(roles=check_roles(roles, by=meta), meta=meta)

    def change_details(self, actor: Actor, *, full_name: str | None, email: str | None) -> None:
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        name = self.full_name if full_name is None else v.text(full_name, "full_name", max_len=200)
        mail = self.email if email is None else check_email(email)
        if (name, mail) == (self.full_name, self.email):
            return
        self._details_changed(full_name=name, email=mail, meta=meta)

    def move_to_department(self, actor: Actor, department: str) -> None:
        """Puts the account in ``department`` (a department id of its agency, checked by the directory, or
        ``leadership`` for the agency's leadership)."""
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        if department != self.department:
            self._moved(department=department, meta=meta)

    def lock(self, actor: Actor, reason: str) -> None:
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        if self.status == AccountStatus.LOCKED:
            raise RuleViolation("Tài khoản đang bị khóa.", "The account is already locked.", code="already_locked")
        self._locked(reason=v.text(reason, "reason", max_len=500, required=False), meta=meta)

    def unlock(self, actor: Actor) -> None:
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        if self.status != AccountStatus.LOCKED:
            raise RuleViolation("Tài khoản không bị khóa.", "The account is not locked.", code="not_locked")
        self._unlocked(meta=meta)

    def deactivate(self, actor: Actor, reason: str) -> None:
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        if actor.user_id == self.username:
            raise RuleViolation("Không thể tự vô hiệu hóa tài khoản của mình.",
                                "You cannot deactivate your own account.", code="self_deactivation")
        self._deactivated(reason=v.text(reason, "reason", max_len=500, required=False), meta=meta)

    def sign_in_throttled(self, *, address: str, scope: str, failures: int, retry_after: int) -> None:
        """Failed sign-ins crossed a threshold (``scope``: ``pair``, this account from one address or browser;
        ``account``, from addresses it never signed in from): recorded by the system, for the administrator."""
        meta = {"user_id": "system", "role": "admin", "agency_id": self.agency_id, "request_id": uuid4().hex}
        self._sign_in_throttled(address=v.text(address, "address", max_len=100), scope=v.choice(
            scope, "scope", ("pair", "account")), failures=int(failures), retry_after=int(retry_after), meta=meta)

    def password_changed(self, actor: Actor) -> None:
        """The account's owner chose a new password (their other sessions end); the hash is not a fact here."""
        if actor.user_id != self.username:
            raise NotAllowed("Chỉ chủ tài khoản được đổi mật khẩu của mình.",
                             "Only the account's owner changes their own password.", code="not_owner")
        self._check_not_deactivated()
        self._password_changed(meta=actor.meta(*sorted(actor.roles)))

    def password_reset(self, actor: Actor) -> None:
        """An administrator (or the server's operator) gave the account a one-time password; its sessions end."""
        meta = admin_meta(actor, self.agency_id)
        self._check_not_deactivated()
        self._password_reset(meta=meta)

    def set_signature_image(self, actor: Actor, file: dict[str, Any]) -> None:
        """The leader's own signature image, drawn on their stamps; set by that leader or the administrator."""
        meta = actor.meta(*LEADERS) if actor.user_id == self.username else actor.meta(Role.ADMIN)
        self._check_not_deactivated()
        self._signature_image_set(file=_png_ref(file, "signature_image"), meta=meta)

    def _check_not_deactivated(self) -> None:
        if self.status == AccountStatus.DEACTIVATED:
            raise RuleViolation("Tài khoản đã bị vô hiệu hóa; không thể thay đổi.",
                                "The account is deactivated and cannot change.", code="account_deactivated")

    @event("AccountCreated")
    def __init__(self, username: str, agency_id: str, full_name: str, roles: list[str], email: str,
                 meta: dict[str, str], department: str | None = None) -> None:
        self.username = username
        self.agency_id = agency_id
        self.full_name = full_name
        self.roles = list(roles)
        self.email = email
        self.department = department  # None: created before departments existed, not yet placed
        self.status = AccountStatus.ACTIVE
        self.signature_image: dict[str, Any] | None = None

    @event("AccountDetailsChanged")
    def _details_changed(self, full_name: str, email: str, meta: dict[str, str]) -> None:
        self.full_name = full_name
        self.email = email

    @event("AccountMovedToDepartment")
    def _moved(self, department: str, meta: dict[str, str]) -> None:
        self.department = department

    @event("SignatureImageSet")
    def _signature_image_set(self, file: dict[str, Any], meta: dict[str, str]) -> None:
        self.signature_image = dict(file)

    @event("RolesChanged")
    def _roles_changed(self, roles: list[str], meta: dict[str, str]) -> None:
        self.roles = list(roles)

    @event("AccountLocked")
    def _locked(self, reason: str, meta: dict[str, str]) -> None:
        self.status = AccountStatus.LOCKED

    @event("AccountUnlocked")
    def _unlocked(self, meta: dict[str, str]) -> None:
        self.status = AccountStatus.ACTIVE

    @event("AccountDeactivated")
    def _deactivated(self, reason: str, meta: dict[str, str]) -> None:
        self.status = AccountStatus.DEACTIVATED

    @event("SignInThrottled")
    def _sign_in_throttled(self, address: str, scope: str, failures: int, retry_after: int,
                           meta: dict[str, str]) -> None:
        pass

    @event("PasswordChanged")
    def _password_changed(self, meta: dict[str, str]) -> None:
        pass

    @event("PasswordReset")
    def _password_reset(self, meta: dict[str, str]) -> None:
        pass


def _png_ref(file: Any, field: str) -> dict[str, Any]:
    ref = v.file_ref(file, field)
    if ref["media_type"] != "image/png":
        raise InvalidInput("Ảnh chữ ký và ảnh con dấu phải là tệp PNG.", "Signature and seal images must be PNG files.",
                           field=field)
    return ref


def check_email(value: Any, field: str = "email") -> str:
    mail = v.text(value, field, max_len=200, required=False)
    if mail and not _EMAIL.match(mail):
        raise InvalidInput("Địa chỉ thư điện tử không hợp lệ.", "The e-mail address is invalid.", field=field)
    return mail


def account_state(acc: Account) -> dict[str, Any]:
    return {"username": acc.username, "agency_id": acc.agency_id, "full_name": acc.full_name,
            "roles": list(acc.roles), "email": acc.email, "status": acc.status, "version": acc.version,
            "signature_image": acc.signature_image, "department": acc.department}


def agency_state(agency: Agency) -> dict[str, Any]:
    return {"agency_id": agency.agency_id, "name": agency.name, "supervised_by": list(agency.supervised_by),
            "version": agency.version, "seal_image": agency.seal_image,
            "delegated_kinds": list(agency.delegated_kinds),
            "records_controller_controls_documents": agency.records_controller_controls_documents,
            "require_trusted_approval": getattr(agency, "require_trusted_approval", False),
            "level": getattr(agency, "level", AgencyLevel.PROVINCE)}


@guarded
class Directory:
    """Commands on agencies, departments and accounts; plain values in and out, saved through the ledger."""

    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger

    # ---- agencies --------------------------------------------------------------------------
    def create_agency(self, actor: Actor, *, agency_id: str, name: str, supervised_by: list[str],
                      level: str | None = None) -> dict[str, Any]:
        for sup in supervised_by or []:
            self.agency(check_agency_id(sup, "supervised_by"))
        agency = Agency.create(actor, agency_id=agency_id, name=name, supervised_by=supervised_by, level=level)
        self._save(agency, new=(f"Mã cơ quan {agency.agency_id} đã tồn tại.",
                                f"Agency {agency.agency_id} already exists."))
        return agency_state(agency)

    def update_agency(self, actor: Actor, agency_id: str, *, name: str | None = None,
                      supervised_by: list[str] | None = None, expected_version: int | None = None,
                      level: str | None = None) -> dict[str, Any]:
        agency = self._agency(agency_id)
        self._expect(agency, expected_version)
        for sup in supervised_by or []:
            self.agency(check_agency_id(sup, "supervised_by"))
        agency.update(actor, name=name, supervised_by=supervised_by, level=level)
        self._save(agency)
        return agency_state(agency)

    def set_seal_image(self, actor: Actor, agency_id: str, *, file: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        agency = self._agency(agency_id)
        self._expect(agency, expected_version)
        agency.set_seal_image(actor, file)
        self._save(agency)
        return agency_state(agency)

    def set_agency_rules(self, actor: Actor, agency_id: str, *, delegated_kinds: list[str] | None = None,
                         records_controller_controls_documents: bool | None = None,
                         require_trusted_approval: bool | None = None,
                         expected_version: int | None = None) -> dict[str, Any]:
        agency = self._agency(agency_id)
        self._expect(agency, expected_version)
        agency.set_rules(actor, delegated_kinds=delegated_kinds,
                         records_controller_controls_documents=records_controller_controls_documents,
                         require_trusted_approval=require_trusted_approval)
        self._save(agency)
        return agency_state(agency)

    def agency(self, agency_id: str) -> dict[str, Any]:
        return agency_state(self._agency(agency_id))

    def find_agency(self, agency_id: str) -> dict[str, Any] | None:
        try:
            return self.agency(agency_id)
        except NotFound:
            return None

    # ---- accounts --------------------------------------------------------------------------
    def create_account(self, actor: Actor, *, username: str, agency_id: str, full_name: str, roles: list[str],
                       email: str = "", department: str | None = None) -> dict[str, Any]:
        self.agency(agency_id)
        if department is not None:
            department = self._placeable(agency_id, department)
        acc = Account.create(actor, username=username, agency_id=agency_id, full_name=full_name, roles=roles,
                             email=email, department=department)
        self._save(acc, new=(f"Tên đăng nhập {acc.username} đã được dùng.",
                             f"Username {acc.username} is already taken."))
        return account_state(acc)

    def change_roles(self, actor: Actor, username: str, roles: list[str], *,
                     expected_version: int | None = None) -> dict[str, Any]:
        return self._change(username, expected_version, lambda a: a.change_roles(actor, roles))

    def change_details(self, actor: Actor, username: str, *, full_name: str | None = None, email: str | None = None,
                       expected_version: int | None = None) -> dict[str, Any]:
        return self._change(username, expected_version,
                            lambda a: a.change_details(actor, full_name=full_name, email=email))

    def move_to_department(self, actor: Actor, username: str, department: str, *,
                           expected_version: int | None = None) -> dict[str, Any]:
        acc = self._account(username)
        place = self._placeable(acc.agency_id, department)
        return self._change(username, expected_version, lambda a: a.move_to_department(actor, place))

    def lock(self, actor: Actor, username: str, *, reason: str = "", expected_version: int | None = None
             ) -> dict[str, Any]:
        return self._change(username, expected_version, lambda a: a.lock(actor, reason))

    def unlock(self, actor: Actor, username: str, *, expected_version: int | None = None) -> dict[str, Any]:
        return self._change(username, expected_version, lambda a: a.unlock(actor))

    def deactivate(self, actor: Actor, username: str, *, reason: str = "",
                   expected_version: int | None = None) -> dict[str, Any]:
        return self._change(username, expected_version, lambda a: a.deactivate(actor, reason))

    def set_signature_image(self, actor: Actor, username: str, *, file: dict[str, Any],
                            expected_version: int | None = None) -> dict[str, Any]:
        return self._change(username, expected_version, lambda a: a.set_signature_image(actor, file))

    def record_sign_in_throttled(self, username: str, *, address: str, scope: str, failures: int,
                                 retry_after: int) -> dict[str, Any]:
        return self._change(username, None, lambda a: a.sign_in_throttled(
            address=address, scope=scope, failures=failures, retry_after=retry_after))

    def record_password_changed(self, actor: Actor, username: str) -> dict[str, Any]:
        return self._change(username, None, lambda a: a.password_changed(actor))

    def record_password_reset(self, actor: Actor, username: str) -> dict[str, Any]:
        return self._change(username, None, lambda a: a.password_reset(actor))

    def account(self, username: str) -> dict[str, Any]:
        return account_state(self._account(username))

    def find_account(self, username: str) -> dict[str, Any] | None:
        try:
            return self.account(username)
        except NotFound:
            return None

    # ---- departments -----------------------------------------------------------------------
    def create_department(self, actor: Actor, agency_id: str, *, code: str, name: str, parent_id: str | None = None,
                          leader: str | None = None) -> dict[str, Any]:
        self.agency(agency_id)
        if parent_id:
            self._open_department(agency_id, parent_id, "parent_id")
        dep = Department.create(actor, agency_id=agency_id, code=code, name=name, parent_id=parent_id or None,
                                leader=self._leader(agency_id, leader))
        self._save(dep, new=(f"Mã phòng ban {dep.code} đã được dùng trong cơ quan.",
                             f"Department code {dep.code} is already used in this agency."))
        return department_state(dep)

    def rename_department(self, actor: Actor, department_id: str, name: str, *,
                          expected_version: int | None = None) -> dict[str, Any]:
        return self._change_department(department_id, expected_version, lambda d: d.rename(actor, name))

    def change_department_leader(self, actor: Actor, department_id: str, leader: str | None, *,
                                 expected_version: int | None = None) -> dict[str, Any]:
        dep = self._department(department_id)
        who = self._leader(dep.agency_id, leader)
        return self._change_department(department_id, expected_version, lambda d: d.change_leader(actor, who))

    def close_department(self, actor: Actor, department_id: str, *, reason: str = "",
                         expected_version: int | None = None) -> dict[str, Any]:
        return self._change_department(department_id, expected_version, lambda d: d.close(actor, reason))

    def department(self, department_id: str) -> dict[str, Any]:
        return department_state(self._department(department_id))

    def find_department(self, department_id: str) -> dict[str, Any] | None:
        try:
            return self.department(department_id)
        except NotFound:
            return None

    def _department(self, department_id: str) -> Department:
        try:
            uid = UUID(str(department_id))
        except ValueError:
            raise NotFound("Không tìm thấy phòng ban.", "No such department.", field="id") from None
        return self._get(uid, Department, "phòng ban", "department")  # type: ignore[no-any-return]

    def _open_department(self, agency_id: str, department_id: str, field: str) -> Department:
        """The department ``department_id`` if it is an open department of ``agency_id`` (422 on ``field``)."""
        try:
            dep = self._department(department_id)
        except NotFound:
            dep = None
        if dep is None or dep.agency_id != agency_id:
            raise InvalidInput("Không có phòng ban này trong cơ quan.", "No such department in this agency.",
                               field=field)
        if dep.closed:
            raise InvalidInput(f"Phòng ban «{dep.name}» đã giải thể.", f"Department '{dep.name}' is closed.",
                               field=field)
        return dep

    def _placeable(self, agency_id: str, department: Any) -> str:
        value = v.text(department, "department", max_len=100)
        if value == LEADERSHIP:
            return value
        return str(self._open_department(agency_id, value, "department").id)

    def _leader(self, agency_id: str, leader: str | None) -> str | None:
        if leader is None or leader == "":
            return None
        acc = self.find_account(v.text(leader, "leader", max_len=100))
        if acc is None or acc["agency_id"] != agency_id or acc["status"] != AccountStatus.ACTIVE:
            raise InvalidInput(f"«{leader}» không phải tài khoản đang hoạt động của cơ quan.",
                               f"'{leader}' is not an active account of this agency.", field="leader")
        return str(acc["username"])

    def _change_department(self, department_id: str, expected_version: int | None, command: Any) -> dict[str, Any]:
        dep = self._department(department_id)
        self._expect(dep, expected_version)
        command(dep)
        self._save(dep)
        return department_state(dep)

    # ---- plumbing --------------------------------------------------------------------------
    def _get(self, uid: UUID, cls: type, what_vi: str, what_en: str) -> Any:
        try:
            agg = self.ledger.repository.get(uid)
        except AggregateNotFoundError:
            agg = None
        if not isinstance(agg, cls):
            raise NotFound(f"Không tìm thấy {what_vi}.", f"No such {what_en}.", field="id")
        return agg

    def _agency(self, agency_id: str) -> Agency:
        return self._get(agency_uuid(str(agency_id)), Agency, "cơ quan", "agency")  # type: ignore[no-any-return]

    def _account(self, username: str) -> Account:
        return self._get(account_uuid(str(username)), Account, "tài khoản", "account")  # type: ignore[no-any-return]

    @staticmethod
    def _expect(agg: LedgerAggregate, expected_version: int | None) -> None:
        if expected_version is not None and agg.version != expected_version:
            raise StaleVersion(current=agg.version, expected=expected_version)

    def _change(self, username: str, expected_version: int | None, command: Any) -> dict[str, Any]:
        acc = self._account(username)
        self._expect(acc, expected_version)
        command(acc)
        self._save(acc)
        return account_state(acc)

    def _save(self, agg: LedgerAggregate, new: tuple[str, str] | None = None) -> None:
        try:
            with self.ledger.write_lock:
                self.ledger.save(agg)
        except IntegrityError:
            if new:
                raise RuleViolation(new[0], new[1], field="id", code="duplicate_id") from None
            raise ConcurrentWrite() from None

