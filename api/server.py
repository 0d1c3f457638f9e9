"""serve(settings, host, port): bootstrap, first-start accounts and demo, then uvicorn."""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

log = logging.getLogger("isoledger.api")


def pkcs11_from_env() -> Any:
    """ISOLEDGER_PKCS11_USERS: a JSON file {username: {module_path, pin, token_label, key_label, ...}}."""
    path = os.environ.get("ISOLEDGER_PKCS11_USERS")
    if not path:
        return None
    from signing import Pkcs11Settings

    with open(path, encoding="utf-8") as f:
        table = json.load(f)

    def lookup(username: str) -> Any:
        entry = table.get(username)
        return Pkcs11Settings.from_dict(entry) if entry else None
    return lookup


def build(settings: Any, *, demo: bool = True, out: Any = None) -> Any:
    """The app for ``settings``, after first-start work (admin account, demo dataset and its people)."""
    from api.app import create_app, open_archive
    from api.seed import ensure_admin
    from isoledger.bootstrap import bootstrap

    out = out or sys.stdout
    services = bootstrap(settings)
    if getattr(services, "archive", None) is None:
        services.archive = open_archive(settings)

    def signing_factory() -> Any:
        from signing import build_signing_service
        return build_signing_service()

    app = create_app(services, archive=services.archive, signing_factory=signing_factory,
                     pkcs11_for=pkcs11_from_env(),
                     secure_cookies=os.environ.get("ISOLEDGER_INSECURE_COOKIES", "") not in ("1", "true", "yes"),
                     token_ttl=int(os.environ.get("ISOLEDGER_TOKEN_TTL", "3600")))
    ctx = app.state.ctx
    first_start = ctx.directory.find_account("admin") is None
    ensure_admin(ctx, out=out)
    if demo and first_start:
        load_demo_hook(ctx, out)
    app.state.services = services
    return app


def load_demo_hook(ctx: Any, out: Any) -> None:
    """DEMO HOOK: isoledger.demo.load_demo(services) -> {"people": ...}; then one account per role."""
    from api.seed import seed_demo_directory
    try:
        from isoledger.demo import load_demo
    except ImportError:
        print("(isoledger.demo chưa có / no demo dataset yet)", file=out)
        return
    result = load_demo(ctx.services)
    ctx.services.projector.catch_up()
    password = os.environ.get("ISOLEDGER_DEMO_PASSWORD") or None
    created = seed_demo_directory(ctx, result, password=password)
    print(f"Dữ liệu mẫu / demo: {result.get('message', '')}", file=out)
    for username, secret in created.items():
        full_name, roles, agency = result["people"][username]
        print(f"  {username:12} {secret:16} {', '.join(roles):28} {agency}  ({full_name})", file=out)


def serve(settings: Any, host: str = "127.0.0.1", port: int = 8000, *, demo: bool = True) -> None:
    import uvicorn

    app = build(settings, demo=demo)
    print(f"isoledger: trang web / web pages http://{host}:{port}/  ·  API http://{host}:{port}/docs  ·  "
          f"công khai / public http://{host}:{port}/cong-khai/<agency_id>", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level=os.environ.get("ISOLEDGER_LOG_LEVEL", "info"),
                    access_log=False)
    finally:
        app.state.services.close()
