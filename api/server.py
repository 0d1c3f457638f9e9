"""serve(settings, host, port): bootstrap, first-start accounts and demo, then uvicorn."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("isoledger.api")


def pkcs11_users(path: Path | None) -> Any:
    """ISOLEDGER_PKCS11_USERS: a JSON file {username: {module_path, pin, token_label, key_label, ...}}."""
    if path is None:
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
        return build_signing_service(settings.signing_config())

    app = create_app(services, archive=services.archive, signing_factory=signing_factory,
                     pkcs11_for=pkcs11_users(settings.web.pkcs11_users), secure_cookies=settings.web.secure_cookies,
                     token_ttl=settings.web.token_ttl, trusted_proxies=settings.web.trusted_proxies,
                     mail=settings.mail, remind_every=settings.mail.remind_interval or None, webhooks=True)
    ctx = app.state.ctx
    first_start = ctx.directory.find_account("admin") is None
    ensure_admin(ctx, password=_reveal(settings.accounts.admin_password), out=out)
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
    password = _reveal(ctx.services.settings.accounts.demo_password)
    created = seed_demo_directory(ctx, result, password=password)
    from isoledger.demo_objectives import load_objectives  # the QMS planning cases need the demo's accounts

    load_objectives(ctx.services, ctx.directory)
    print(f"Dữ liệu mẫu / demo: {result.get('message', '')}", file=out)
    for username, secret in created.items():
        full_name, roles, agency = result["people"][username]
        print(f"  {username:14} {secret:16} {', '.join(roles):28} {agency}  ({full_name})", file=out)


def _reveal(secret: Any) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def worker_app() -> Any:
    """The app of one of several worker processes (``serve --workers N``): the settings of the environment, no
    first-start work (the parent did it)."""
    from isoledger.settings import Settings

    return build(Settings.from_env(), demo=False)


def serve(settings: Any, host: str | None = None, port: int | None = None, *, demo: bool = True,
          workers: int = 1) -> None:
    """Serves on ``host``:``port`` (default: the settings' HOST and PORT), in ``workers`` processes (PostgreSQL
    only: the processes share nothing but the database and the file store)."""
    import uvicorn

    host = host or settings.web.host
    port = port or settings.web.port
    if workers > 1:
        first = build(settings, demo=demo)  # the first start once, here: admin, demo, keys in the home
        first.state.ctx.uc.deps.projections.close()
        first.state.services.close()
        print(f"isoledger: {workers} tiến trình / processes on http://{host}:{port}/", flush=True)
        # A worker answers the supervisor's health check only once its interpreter is up: allow a busy host time.
        uvicorn.run("api.server:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_level=settings.web.log_level, access_log=False, timeout_worker_healthcheck=60)
        return
    app = build(settings, demo=demo)
    print(f"isoledger: trang web / web pages http://{host}:{port}/  ·  API http://{host}:{port}/docs  ·  "
          f"công khai / public http://{host}:{port}/cong-khai/<agency_id>", flush=True)
    try:
        # proxy_headers off: the app reads X-Forwarded-For itself, from the configured proxies only.
        uvicorn.run(app, host=host, port=port, log_level=settings.web.log_level, access_log=False,
                    proxy_headers=False)
    finally:
        app.state.services.close()
