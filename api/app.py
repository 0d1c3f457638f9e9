"""create_app(services): the FastAPI application over the ledger, the archive and signing."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api import errors
from api.context import ApiContext
from api.headers import AllowedMethods, SecurityHeaders
from api.limits import BodyLimits, PublicGuard
from api.links import add_links
from api.liveness import Heartbeat
from api.request_text import RefuseNul
from api.routers import (
    accounts,
    agencies,
    audit,
    auth,
    departments,
    documents,
    evidence,
    health,
    public,
    public_complaints,
    qms,
    records,
)
from api.routers import acknowledgements as acknowledgement_routes
from api.routers import inspections as inspection_routes
from api.routers import notifications as notification_routes
from api.routers import periodic_review as periodic_review_routes
from api.routers import province as province_routes
from api.routers import review_pack as review_pack_routes
from api.routers import signing as signing_routes
from api.routers import traceability as traceability_routes
from api.routers import tthc as tthc_routes
from api.routers import webhooks as webhook_routes
from api.security import Authentication, Passwords, Throttle, Tokens
from api.store import ApiStore
from archive.service import DEFAULT_MAX_SIZE
from isoledger.bootstrap import use_cases
from ledger.directory import Directory

DESCRIPTION = """API của **ISO điện tử** (isoledger): sổ cái sự kiện của tài liệu và hồ sơ theo TCVN ISO 9001:2015.

Lỗi trả về `application/problem+json` (RFC 9457): `detail` tiếng Việt, `detail_en` tiếng Anh, `errors[].field`.
`GET` tài liệu/hồ sơ trả `ETag`; lệnh nhận `If-Match` (412 khi đã cũ) và `Idempotency-Key`.
"""


def _lazy(factory: Callable[[], Any]) -> Callable[[], Any]:
    """Builds the signing service on first use (it starts a thread and an HTTP session)."""
    lock, box = threading.Lock(), []

    def get() -> Any:
        with lock:
            if not box:
                box.append(factory())
            return box[0]
    get.built = box  # type: ignore[attr-defined]
    return get


def create_app(services: Any, *, archive: Any = None, signing: Any = None,
               signing_factory: Callable[[], Any] | None = None,
               pkcs11_for: Callable[[str], Any] | None = None, secret_key: str | None = None,
               token_ttl: int = 3600, secure_cookies: bool = True, fast_passwords: bool = False,
               throttle: Throttle | None = None, trusted_proxies: tuple[str, ...] = (), mail: Any = None,
               remind_every: float | None = None, webhooks: bool = False,
               public_guard: PublicGuard | None = None) -> FastAPI:
    """The application.

    ``services`` comes from ``isoledger.bootstrap.bootstrap``; ``archive`` defaults to
    ``services.archive`` or one opened from ``services.settings``; ``signing`` is a SigningService (or
    ``signing_factory`` builds one on first use); ``pkcs11_for(username)`` returns the Pkcs11Settings
    of the token configured for a user, or None. ``fast_passwords`` lowers Argon2 cost (tests only).
    ``mail`` (MailSettings with a host) starts the notifications' mail sender with the app, stopped with it;
    ``remind_every`` (seconds) the scheduled reminders (loans due, retention ended); ``webhooks`` the sender of
    the webhooks' deliveries.
    ``trusted_proxies``: the peers whose ``X-Forwarded-For`` names the client (ISOLEDGER_TRUSTED_PROXIES).
    ``public_guard``: the public complaint intake's rate limits and fill-time token (api.limits.PublicGuard).
    """
    if archive is None:
        archive = getattr(services, "archive", None)
    if archive is None:
        archive = open_archive(services.settings)
    store = ApiStore(services.db)
    store.create_tables()
    services.projector.create_tables()
    if signing is not None:
        factory: Callable[[], Any] | None = lambda: signing  # noqa: E731
    else:
        factory = _lazy(signing_factory) if signing_factory is not None else None
    key = secret_key or services.settings.secret_key()
    authentication = Authentication(Directory(services.ledger), store, Passwords(fast=fast_passwords),
                                    Tokens(key, token_ttl), throttle or Throttle(store))
    uc = use_cases(services, archive=archive, directory=authentication.directory, signing=factory,
                   pkcs11_for=pkcs11_for, credentials=authentication)
    ctx = ApiContext(uc=uc, auth=authentication, services=services, secure_cookies=secure_cookies,
                     trusted_proxies=frozenset(trusted_proxies))
    mailer = None
    if mail is not None and mail.enabled:
        from isoledger.mailer import MailSender

        mailer = MailSender(uc, mail)
        uc.deps.projections.listeners.append(mailer.wake)
    scheduler = None
    if remind_every:
        from isoledger.scheduler import Scheduler

        scheduler = Scheduler(uc, remind_every, after=mailer.wake if mailer is not None else None)
    hooks = None
    if webhooks:
        from isoledger.webhooks import WebhookSender

        hooks = WebhookSender(uc)
        uc.deps.projections.listeners.append(hooks.wake)
    heartbeat = Heartbeat(store, services.ledger)
    background = [b for b in (heartbeat, mailer, scheduler, hooks) if b is not None]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for job in background:
            job.start()
        try:
            yield
        finally:
            for job in background:
                job.stop()

    app = FastAPI(title="isoledger — ISO điện tử", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  openapi_tags=[{"name": t} for t in ("auth", "agencies", "documents", "signing", "records",
                                                       "qms", "audit", "evidence", "public", "health",
                                                       "notifications", "webhooks", "inspections")])
    app.state.ctx = ctx
    app.state.instance = heartbeat.instance
    app.state.mailer, app.state.webhooks = mailer, hooks
    app.state.public_guard = public_guard or PublicGuard(store, authentication.tokens)
    errors.install(app)
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AllowedMethods, routes=[r for router in _routers() for r in router.routes
                                               if isinstance(r, APIRoute)] + _web_routes())
    app.add_middleware(BodyLimits, upload_cap=getattr(getattr(services.settings, "storage", None), "max_size",
                                                      DEFAULT_MAX_SIZE),
                       routes=[r for router in _routers() for r in router.routes if isinstance(r, APIRoute)])
    for module in (health, auth, agencies, accounts, departments, documents, signing_routes, records, audit, evidence,
                   public, qms, notification_routes, acknowledgement_routes, periodic_review_routes,
                   webhook_routes, province_routes, review_pack_routes, inspection_routes,
                   traceability_routes, tthc_routes, public_complaints):
        app.include_router(module.router)
    app.include_router(public_complaints.pages)
    app.include_router(evidence.verifier_router)
    from api import web
    web.install(app)  # the web pages (api/web)
    _problem_schema(app)
    _api_docs(app)
    return app


def _routers() -> list[Any]:
    """The API's routers (their routes carry the full path: the routers hold their prefix)."""
    return [m.router for m in (health, auth, agencies, accounts, departments, documents, signing_routes, records,
                               audit, evidence, public, public_complaints)] + [evidence.verifier_router]


def _web_routes() -> list[APIRoute]:
    from api.web import admin, home, verify
    from api.web import audit as web_audit
    from api.web import documents as web_documents
    from api.web import records as web_records

    return [r for m in (home, web_documents, web_audit, web_records, verify, admin) for r in m.router.routes
            if isinstance(r, APIRoute)] + [r for r in public_complaints.pages.routes if isinstance(r, APIRoute)]


DOCS_ASSETS = "/static/api-docs"


def _api_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI served from the product (fastapi-offline's packaged copy), never from a CDN.

    An agency's intranet often reaches no public site, so the page, its script, style and icon all come from
    this server, and the online validator badge is off. ReDoc is not served (its bundle links a remote logo).
    The page starts Swagger UI from a static script (api/web/static/api-docs.js): pages run no inline script.
    """
    from html import escape
    from importlib.resources import files

    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount(DOCS_ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="api-docs")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        title = escape(f"{app.title} — API")
        return HTMLResponse(f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{DOCS_ASSETS}/swagger-ui.css"><link rel="icon" href="{DOCS_ASSETS}/favicon.png">
<title>{title}</title></head>
<body><div id="swagger-ui" data-openapi="{escape(app.openapi_url or '/openapi.json')}"></div>
<script src="{DOCS_ASSETS}/swagger-ui-bundle.js"></script><script src="/static/web/api-docs.js"></script>
</body></html>""")


def open_archive(settings: Any) -> Any:
    """The archive of these settings (their storage section: same home and database as the ledger)."""
    from archive import open_store

    return open_store(settings.storage)


def _problem_schema(app: FastAPI) -> None:
    """Makes sure components.schemas.Problem exists whatever the routes declare."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps.setdefault("Problem", errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
        for name, sub in errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}").get(
                "$defs", {}).items():
            comps.setdefault(name, sub)
        comps.get("Problem", {}).pop("$defs", None)
        errors.document_unparsable_bodies(schema)
        errors.document_problems_and_cursors(schema)
        add_links(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
