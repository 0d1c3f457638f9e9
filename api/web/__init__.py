"""Web pages in Vietnamese (English switchable), server-rendered over the same services as the API.

``install(app)`` adds the pages' routes and their static files (CSS, a little JavaScript).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.core import HERE


def install(app: FastAPI) -> None:
    from api.web import (
        acknowledgements,
        admin,
        audit,
        documents,
        home,
        notifications,
        periodic_review,
        qms,
        records,
        verify,
        webhooks,
    )

    app.mount("/static/web", StaticFiles(directory=HERE / "static"), name="web-static")
    app.include_router(home.router)
    from api.web import qms_risks  # before the generic QMS pages: /qms/risks/heatmap is not a case
    app.include_router(qms_risks.router)
    from api.web import qms_inspections  # an inspection is read by two agencies: before the generic QMS pages

    app.include_router(qms_inspections.router)
    from api.web import qms_planning  # /qms/planning/…, /qms/departments/…: before any /qms/{collection}/{id}

    app.include_router(qms_planning.router)
    from api.web import qms_history, qms_traceability

    app.include_router(qms_history.router)
    app.include_router(qms_traceability.router)  # /qms/traceability: before /qms/{collection}
    app.include_router(documents.router)
    app.include_router(audit.router)
    app.include_router(records.router)
    app.include_router(verify.router)
    app.include_router(admin.router)
    app.include_router(notifications.router)
    app.include_router(acknowledgements.router)
    app.include_router(periodic_review.router)
    app.include_router(webhooks.router)
    app.include_router(qms.router)
    from api.web import province  # /province, /province/calendar/…

    app.include_router(province.router)
    from api.web import province_plan  # /province/plan: issue, revise, record guidance

    app.include_router(province_plan.router)
