"""The verify page: anyone signed in uploads a signed PDF from elsewhere and reads its validation report."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from api.files import read_pdf
from api.web import forms
from api.web.core import KNOWN, WebRoute, ctx_of, form_data, lang_of, message_of, render
from api.web.home import User
from signing import indications

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Form = Annotated[FormData, Depends(form_data)]


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, user: User) -> HTMLResponse:
    return render(request, "verify.html")


@router.post("/verify", response_class=HTMLResponse)
def verify(request: Request, user: User, form: Form) -> HTMLResponse:
    try:
        upload = forms.upload(form)
        data = read_pdf(upload)
        reports = ctx_of(request).uc.signing.validate(data)  # never stored
    except KNOWN as e:
        status, vi, en, field = message_of(e)
        msg = en if lang_of(request) == "en" else vi
        return render(request, "verify.html", status=status, errors={"file" if field == "file" else "_": msg})
    checked = {"filename": upload.filename, "sha256": hashlib.sha256(data).hexdigest()}
    described = [(r, indications.describe(r)) for r in reports]  # the same card and words as a version's report
    return render(request, "verify.html", checked=checked, reports=described, times=indications.SIGNING_TIME)
