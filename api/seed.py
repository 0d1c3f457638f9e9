"""First start: the province's administration agency and its `admin`; the demo's agencies and people."""

from __future__ import annotations

import secrets
import sys
from typing import Any, TextIO

from api.context import ApiContext
from ledger.actors import Actor
from ledger.errors import LedgerError

HOME_AGENCY = "quan-tri-tinh"
HOME_AGENCY_NAME = "Quản trị hệ thống ISO điện tử của tỉnh"
SYSTEM = Actor("system", HOME_AGENCY, frozenset({"admin"}), request_id="first-start")


def ensure_admin(ctx: ApiContext, *, password: str | None = None, out: TextIO | None = None) -> str | None:
    """Creates the `admin` account on an empty directory; returns the password if it was generated.

    The password is ``password`` (the server passes ISOLEDGER_ADMIN_PASSWORD from the settings), else it is
    generated and printed once to ``out`` (stdout by default), never logged.
    """
    if ctx.directory.find_account("admin") is not None:
        return None
    if ctx.directory.find_agency(HOME_AGENCY) is None:
        ctx.directory.create_agency(SYSTEM, agency_id=HOME_AGENCY, name=HOME_AGENCY_NAME, supervised_by=[])
    given = password or None
    chosen = given or secrets.token_urlsafe(15)
    try:
        ctx.directory.create_account(SYSTEM, username="admin", agency_id=HOME_AGENCY,
                                     full_name="Quản trị hệ thống", roles=["admin"])
    except LedgerError:
        return None  # another process created it at the same moment
    ctx.store.set_password_hash("admin", ctx.passwords.hash(chosen))
    ctx.services.projector.catch_up()
    if given is None:
        print("Tài khoản quản trị / administrator account: admin", file=out or sys.stdout)
        print(f"Mật khẩu (chỉ hiện một lần) / password (shown once): {chosen}", file=out or sys.stdout, flush=True)
        return chosen
    return None


def seed_demo_directory(ctx: ApiContext, demo: dict[str, Any], *, password: str | None = None
                        ) -> dict[str, str]:
    """Agencies and accounts for the people the demo dataset acts as (isoledger.demo.DEMO_PEOPLE).

    Hook for ``isoledger.demo.load_demo``'s result: ``{"people": {username: (full_name, roles, agency)}}``.
    Returns username -> password of the accounts it created.
    """
    from isoledger import demo as demo_module

    admin = Actor("admin", HOME_AGENCY, frozenset({"admin"}), request_id="demo")
    supervisor = getattr(demo_module, "SUPERVISOR_ID", None)
    agencies = [(supervisor, getattr(demo_module, "SUPERVISOR_NAME", supervisor), [])] if supervisor else []
    agencies.append((demo_module.AGENCY_ID, demo_module.AGENCY_NAME,
                     [supervisor] if supervisor else []))
    for agency_id, name, sup in agencies:
        if ctx.directory.find_agency(agency_id) is None:
            ctx.directory.create_agency(admin, agency_id=agency_id, name=name, supervised_by=sup)
    created = {}
    for username, (full_name, roles, agency_id) in demo.get("people", {}).items():
        if ctx.directory.find_account(username) is not None:
            continue
        ctx.directory.create_account(admin, username=username, agency_id=agency_id, full_name=full_name,
                                     roles=list(roles))
        chosen = password or secrets.token_urlsafe(9)
        ctx.store.set_password_hash(username, ctx.passwords.hash(chosen))
        created[username] = chosen
    ctx.services.projector.catch_up()
    return created
