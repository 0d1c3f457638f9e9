"""First start: the province's administration agency and its `admin`; the demo's agencies and people."""

from __future__ import annotations

import secrets
import sys
from typing import Any, TextIO

from api.context import ApiContext
from ledger.actors import Actor
from ledger.errors import LedgerError
from ledger.vocabulary import Role

HOME_AGENCY = "quan-tri-tinh"
HOME_AGENCY_NAME = "Quản trị hệ thống ISO điện tử của tỉnh"
SYSTEM = Actor("system", HOME_AGENCY, frozenset({Role.ADMIN}), request_id="first-start")


def ensure_admin(ctx: ApiContext, *, password: str | None = None, out: TextIO | None = None) -> str | None:
    """Creates the `admin` account on an empty directory; returns the password if it was generated.

    The password is ``password`` (the server passes ISOLEDGER_ADMIN_PASSWORD from the settings), else it is
    generated and printed once to ``out`` (stdout by default), never logged.
    """
    if ctx.directory.find_account("admin") is not None:
        return None
    accounts = ctx.uc.accounts
    if ctx.directory.find_agency(HOME_AGENCY) is None:
        accounts.create_agency(SYSTEM, agency_id=HOME_AGENCY, name=HOME_AGENCY_NAME, supervised_by=[])
    given = password or None
    chosen = given or secrets.token_urlsafe(15)
    try:
        accounts.create_account(SYSTEM, HOME_AGENCY, username="admin", full_name="Quản trị hệ thống",
                                roles=[Role.ADMIN], email="", password=chosen)
    except LedgerError:
        return None  # another process created it at the same moment
    ctx.fresh()
    if given is None:
        print("Tài khoản quản trị / administrator account: admin", file=out or sys.stdout)
        print(f"Mật khẩu (chỉ hiện một lần) / password (shown once): {chosen}", file=out or sys.stdout, flush=True)
        return chosen
    return None


def seed_demo_directory(ctx: ApiContext, demo: dict[str, Any], *, password: str | None = None
                        ) -> dict[str, str]:
    """Agencies and accounts for the people the demo dataset acts as (isoledger.demo.DEMO_PEOPLE).

    Hook for ``isoledger.demo.load_demo``'s result: ``{"people": {username: (full_name, roles, agency)}}``.
    Returns username -> password of the accounts it created, or that the demo created without a password.
    """
    from isoledger import demo as demo_module

    admin = Actor("admin", HOME_AGENCY, frozenset({Role.ADMIN}), request_id="demo")
    supervisor = getattr(demo_module, "SUPERVISOR_ID", None)
    agencies = [(supervisor, getattr(demo_module, "SUPERVISOR_NAME", supervisor), [])] if supervisor else []
    agencies.append((demo_module.AGENCY_ID, demo_module.AGENCY_NAME,
                     [supervisor] if supervisor else []))
    accounts = ctx.uc.accounts
    for agency_id, name, sup in agencies:
        if ctx.directory.find_agency(agency_id) is None:
            accounts.create_agency(admin, agency_id=agency_id, name=name, supervised_by=sup)
    created = {}
    for username, (full_name, roles, agency_id) in demo.get("people", {}).items():
        chosen = password or secrets.token_urlsafe(9)
        if ctx.directory.find_account(username) is None:
            accounts.create_account(admin, agency_id, username=username, full_name=full_name, roles=list(roles),
                                    email="", password=chosen)
        elif ctx.store.password_hash(username) is None:  # the demo's own account (placed in its department)
            ctx.auth.set_password(username, chosen)
        else:
            continue
        created[username] = chosen
    ctx.fresh()
    return created
