"""Administration pages: agencies and who supervises whom (the province administrator), departments, approval
rules and accounts (also an agency's own administrator, for its agency only), and everyone's own password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.deps import request_id
from api.security import Principal
from api.web import forms, i18n
from api.web.core import KNOWN, WebRoute, ctx_of, form_data, lang_of, message_of, need, redirect, render, signed_in
from ledger.actors import ROLES, Actor
from ledger.approval import RESERVED, delegable
from ledger.department import LEADERSHIP
from ledger.directory import LEVELS
from ledger.document import KINDS
from ledger.errors import InvalidInput
from ledger.vocabulary import AccountStatus, Role
from usecases.accounts import Accounts
from usecases.departments import Departments, department_label, manages

router = APIRouter(route_class=WebRoute, include_in_schema=False)
User = Annotated[Principal, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_data)]
MANAGERS = (Role.ADMIN, Role.AGENCY_ADMIN)
STATUS = {AccountStatus.ACTIVE: ("Đang hoạt động", "Active"), AccountStatus.LOCKED: ("Bị khóa", "Locked"),
          AccountStatus.DEACTIVATED: ("Đã vô hiệu hóa", "Deactivated")}
UNPLACED = ("(chưa xếp phòng ban)", "(not yet in a department)")
DONE = {
    "agency": ("Đã lưu thông tin cơ quan.", "The agency is saved."),
    "rules": ("Đã lưu quy tắc phê duyệt.", "The approval rules are saved."),
    "department": ("Đã lưu phòng ban.", "The department is saved."),
    "account": ("Đã lưu tài khoản.", "The account is saved."),
    "locked": ("Đã khóa tài khoản; các phiên đăng nhập của tài khoản đã hết hiệu lực.",
               "The account is locked; its sessions have ended."),
    "unlocked": ("Đã mở khóa tài khoản.", "The account is unlocked."),
    "deactivated": ("Đã vô hiệu hóa tài khoản.", "The account is deactivated."),
    "password": ("Đã đổi mật khẩu.", "Your password is changed."),
}


# ---- helpers ---------------------------------------------------------------------------------------------
def _actor(request: Request, user: Principal) -> Actor:
    return user.actor(request_id(request))


def _accounts(request: Request) -> Accounts:
    return ctx_of(request).uc.accounts


def _department_cases(request: Request) -> Departments:
    return ctx_of(request).uc.departments


def _ok(request: Request) -> str | None:
    done = DONE.get(request.query_params.get("ok") or "")
    return i18n.pick(done, lang_of(request)) if done else None


def _errors(request: Request, e: Exception) -> tuple[int, dict[str, str]]:
    status, vi, en, field = message_of(e)
    return status, {field or "_": en if lang_of(request) == "en" else vi}


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _departments(request: Request, user: Principal, agency_id: str, *, closed: bool = True) -> list[dict[str, Any]]:
    return _department_cases(request).listed(_actor(request, user), agency_id, closed=closed)


def _users(request: Request, user: Principal, agency_id: str) -> list[dict[str, Any]]:
    return _accounts(request).account_list(_actor(request, user), agency_id)


def _managed_agency(request: Request, user: Principal, agency_id: str) -> dict[str, Any]:
    return _department_cases(request).managed_agency(_actor(request, user), agency_id)


def _department_options(request: Request, user: Principal, agency_id: str) -> list[tuple[str, str]]:
    lang = lang_of(request)
    return [(LEADERSHIP, department_label(LEADERSHIP, {}, lang))] + [
        (d["id"], f"{d['name']} ({d['code']})") for d in _departments(request, user, agency_id, closed=False)]


def _role_options(request: Request, user: Principal) -> list[tuple[str, str]]:
    lang = lang_of(request)
    return [(r, i18n.role(r, lang)) for r in ROLES if r != Role.ADMIN or Role.ADMIN in user.roles]


# ---- the administration home -------------------------------------------------------------------------------
@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, user: User) -> Response:
    need(user, *MANAGERS)
    if Role.ADMIN not in user.roles:
        return redirect(f"/admin/agencies/{user.agency_id}")
    agencies = _accounts(request).agency_list(_actor(request, user))
    lockouts = _accounts(request).lockouts(_actor(request, user))
    return render(request, "admin_home.html", agencies=agencies, lockouts=lockouts, ok=_ok(request),
                  levels=_levels(lang_of(request)))


@router.post("/admin/agencies", response_class=HTMLResponse)
def create_agency(request: Request, user: User, form: Form) -> Response:
    need(user, Role.ADMIN)
    try:
        state = _accounts(request).create_agency(_actor(request, user), agency_id=_text(form, "agency_id"),
                                                 name=_text(form, "name"), supervised_by=form.getlist("supervised_by"),
                                                 level=_text(form, "level") or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        agencies = _accounts(request).agency_list(_actor(request, user))
        return render(request, "admin_home.html", status=status, agencies=agencies, errors=errors,
                      levels=_levels(lang_of(request)),
                      form={"agency_id": _text(form, "agency_id"), "name": _text(form, "name")})
    return redirect(f"/admin/agencies/{state['agency_id']}?ok=agency")


# ---- one agency: its details, rules, departments and accounts ---------------------------------------------
def agency_page(request: Request, user: Principal, agency_id: str, status: int = 200, **values: Any) -> HTMLResponse:
    agency = _managed_agency(request, user, agency_id)
    lang = lang_of(request)
    deps = _departments(request, user, agency_id)
    names = {d["id"]: d["name"] for d in deps}
    people = _users(request, user, agency_id)
    for p in people:
        p["department_name"] = department_label(p["department"], names, lang)
        p["role_names"] = ", ".join(i18n.role(r, lang) for r in p["roles"])
        p["status_name"] = i18n.pick(STATUS[p["status"]], lang)
    listed = _accounts(request).agency_list(_actor(request, user), besides=agency_id)
    others = [(a["agency_id"], a["name"]) for a in listed]
    full = {u["username"]: u["full_name"] for u in people}
    for d in deps:
        d["leader_name"] = full.get(d["leader"] or "", d["leader"] or "—")
    return render(request, "admin_agency.html", status=status, agency=agency, departments=deps, people=people,
                  kinds=[(k, i18n.kind(k, lang)) for k in delegable(KINDS)],
                  reserved=[i18n.kind(k, lang) for k in RESERVED], other_agencies=others,
                  leaders=[(u["username"], u["full_name"]) for u in people if u["status"] == AccountStatus.ACTIVE],
                  parents=[(d["id"], d["name"]) for d in deps if not d["closed"]],
                  province=Role.ADMIN in user.roles, levels=_levels(lang), **{"ok": _ok(request), **values})


def _levels(lang: str) -> list[tuple[str, str]]:
    return [(k, i18n.pick(names, lang)) for k, names in LEVELS.items()]


@router.get("/admin/agencies/{agency_id}", response_class=HTMLResponse)
def agency_view(request: Request, user: User, agency_id: str) -> HTMLResponse:
    need(user, *MANAGERS)
    return agency_page(request, user, agency_id)


@router.post("/admin/agencies/{agency_id}", response_class=HTMLResponse)
def update_agency(request: Request, user: User, agency_id: str, form: Form) -> Response:
    need(user, Role.ADMIN)
    try:
        _managed_agency(request, user, agency_id)
        _accounts(request).update_agency(_actor(request, user), agency_id, name=_text(form, "name"),
                                         supervised_by=form.getlist("supervised_by"),
                                         level=_text(form, "level") or None,
                                         expected_version=forms.whole(_text(form, "version")) or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        return agency_page(request, user, agency_id, status, errors=errors, error_scope="agency")
    return redirect(f"/admin/agencies/{agency_id}?ok=agency")


@router.post("/admin/agencies/{agency_id}/rules", response_class=HTMLResponse)
def set_rules(request: Request, user: User, agency_id: str, form: Form) -> Response:
    need(user, *MANAGERS)
    try:
        _department_cases(request).set_rules(_actor(request, user), agency_id,
                                             delegated_kinds=form.getlist("delegated_kinds"),
                                             records_controller_controls_documents=form.get("controls") == "yes",
                                             require_trusted_approval=form.get("trusted") == "yes",
                                             expected_version=forms.whole(_text(form, "version")) or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        return agency_page(request, user, agency_id, status, errors=errors)
    return redirect(f"/admin/agencies/{agency_id}?ok=rules")


@router.post("/admin/agencies/{agency_id}/departments", response_class=HTMLResponse)
def create_department(request: Request, user: User, agency_id: str, form: Form) -> Response:
    need(user, *MANAGERS)
    try:
        _department_cases(request).create(_actor(request, user), agency_id, code=_text(form, "code"),
                                          name=_text(form, "name"), parent_id=_text(form, "parent_id") or None,
                                          leader=_text(form, "leader") or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        return agency_page(request, user, agency_id, status, errors=errors, error_scope="dep",
                           form={k: _text(form, k) for k in ("code", "name", "parent_id", "leader")})
    return redirect(f"/admin/agencies/{agency_id}?ok=department")


# ---- one department ------------------------------------------------------------------------------------------
def department_page(request: Request, user: Principal, department_id: str, status: int = 200,
                    **values: Any) -> HTMLResponse:
    cases = _department_cases(request)
    dep = cases.get(_actor(request, user), department_id)
    if not manages(user.roles, user.agency_id, dep["agency_id"]):
        need(user, Role.ADMIN)  # a reader of the department who does not administer it: this page is not theirs
    people = _users(request, user, dep["agency_id"])
    members = [u for u in people if u["department"] == dep["id"]]
    return render(request, "admin_department.html", status=status, dep=dep, members=members,
                  agency=cases.managed_agency(_actor(request, user), dep["agency_id"]),
                  leaders=[(u["username"], u["full_name"]) for u in people if u["status"] == AccountStatus.ACTIVE],
                  history=cases.history(_actor(request, user), dep["id"]), **{"ok": _ok(request), **values})


@router.get("/admin/departments/{department_id}", response_class=HTMLResponse)
def department_view(request: Request, user: User, department_id: str) -> HTMLResponse:
    need(user, *MANAGERS)
    return department_page(request, user, department_id)


@router.post("/admin/departments/{department_id}", response_class=HTMLResponse)
def change_department(request: Request, user: User, department_id: str, form: Form) -> Response:
    need(user, *MANAGERS)
    cases = _department_cases(request)
    try:
        dep = cases.get(_actor(request, user), department_id)
        name = _text(form, "name")
        leader = _text(form, "leader") or None
        cases.change(_actor(request, user), department_id, name=name if name and name != dep["name"] else None,
                     leader=leader, change_leader=leader != dep["leader"], close=form.get("close") == "yes",
                     reason=_text(form, "reason"), expected_version=forms.whole(_text(form, "version")) or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        return department_page(request, user, department_id, status, errors=errors)
    return redirect(f"/admin/departments/{department_id}?ok=department")


# ---- accounts ----------------------------------------------------------------------------------------------------
def account_page(request: Request, user: Principal, username: str, status: int = 200, **values: Any) -> HTMLResponse:
    account = _accounts(request).managed(_actor(request, user), username)
    lang = lang_of(request)
    names = {d["id"]: d["name"] for d in _departments(request, user, account["agency_id"])}
    return render(request, "admin_account.html", status=status, account=account,
                  agency=_managed_agency(request, user, account["agency_id"]),
                  status_name=i18n.pick(STATUS[account["status"]], lang),
                  department_name=department_label(account["department"], names, lang),
                  departments=([] if account["department"] else [("", i18n.pick(UNPLACED, lang))])
                  + _department_options(request, user, account["agency_id"]),
                  roles=_role_options(request, user), **{"ok": _ok(request), **values})


@router.get("/admin/agencies/{agency_id}/accounts/new", response_class=HTMLResponse)
def new_account_page(request: Request, user: User, agency_id: str) -> HTMLResponse:
    need(user, *MANAGERS)
    agency = _managed_agency(request, user, agency_id)
    return render(request, "admin_account_new.html", agency=agency, roles=_role_options(request, user),
                  departments=_department_options(request, user, agency_id))


@router.post("/admin/agencies/{agency_id}/accounts", response_class=HTMLResponse)
def create_account(request: Request, user: User, agency_id: str, form: Form) -> Response:
    need(user, *MANAGERS)
    try:
        state, one_time = _accounts(request).create(
            _actor(request, user), agency_id, username=_text(form, "username").lower(),
            full_name=_text(form, "full_name"), roles=form.getlist("roles"), email=_text(form, "email"),
            department=_text(form, "department") or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        agency = _managed_agency(request, user, agency_id)
        kept = {k: _text(form, k) for k in ("username", "full_name", "email", "department")}
        kept["roles"] = form.getlist("roles")  # type: ignore[assignment]
        return render(request, "admin_account_new.html", status=status, agency=agency, errors=errors, form=kept,
                      roles=_role_options(request, user),
                      departments=_department_options(request, user, agency_id))
    return account_page(request, user, state["username"], 201, one_time=one_time,
                        ok=i18n.pick(("Đã tạo tài khoản.", "The account is created."), lang_of(request)))


@router.get("/admin/accounts/{username}", response_class=HTMLResponse)
def account_view(request: Request, user: User, username: str) -> HTMLResponse:
    need(user, *MANAGERS)
    return account_page(request, user, username)


@router.post("/admin/accounts/{username}", response_class=HTMLResponse)
def change_account(request: Request, user: User, username: str, form: Form) -> Response:
    need(user, *MANAGERS)
    cases = _accounts(request)
    try:
        current = cases.managed(_actor(request, user), username)
        department = _text(form, "department")
        roles = form.getlist("roles")
        cases.change(_actor(request, user), username, full_name=_text(form, "full_name"),
                     email=_text(form, "email"),
                     department=department if department and department != current["department"] else None,
                     roles=roles if sorted(roles) != sorted(current["roles"]) else None,
                     expected_version=forms.whole(_text(form, "version")) or None)
    except KNOWN as e:
        status, errors = _errors(request, e)
        return account_page(request, user, username, status, errors=errors)
    return redirect(f"/admin/accounts/{username}?ok=account")


@router.post("/admin/accounts/{username}/{action}", response_class=HTMLResponse)
def account_action(request: Request, user: User, username: str, action: str, form: Form) -> Response:
    need(user, *MANAGERS)
    if action not in ("lock", "unlock", "deactivate", "reset-password"):
        return render(request, "error.html", status=404, message=i18n.pick(
            ("Không tìm thấy trang.", "No such page."), lang_of(request)))
    cases = _accounts(request)
    try:
        if action == "reset-password":
            one_time = cases.reset_password(_actor(request, user), username)
            return account_page(request, user, username, one_time=one_time, ok=i18n.pick(
                ("Đã đặt lại mật khẩu.", "The password is reset."), lang_of(request)))
        cases.change(_actor(request, user), username, action=action, reason=_text(form, "reason"))
    except KNOWN as e:
        status, errors = _errors(request, e)
        return account_page(request, user, username, status, errors=errors)
    done = {"lock": "locked", "unlock": "unlocked", "deactivate": "deactivated"}[action]
    return redirect(f"/admin/accounts/{username}?ok={done}")


# ---- everyone's own password --------------------------------------------------------------------------------------
@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, user: User) -> HTMLResponse:
    required = _accounts(request).must_change_password(user.username)
    return render(request, "admin_password.html", required=required, ok=_ok(request))


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, user: User, form: Form) -> Response:
    try:
        new = str(form.get("new_password", ""))
        if new != str(form.get("confirm_password", "")):
            raise InvalidInput("Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ.",
                               field="confirm_password")
        _accounts(request).change_own_password(_actor(request, user), current=str(form.get("current_password", "")),
                                               new=new, session=user.session)
    except KNOWN as e:
        status, errors = _errors(request, e)
        required = _accounts(request).must_change_password(user.username)
        return render(request, "admin_password.html", status=status, errors=errors, required=required)
    return redirect("/account/password?ok=password")
