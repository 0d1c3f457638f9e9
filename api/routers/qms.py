"""The routes of every declared QMS process, generated from its declaration (ledger/qms/processes):

    POST /api/v1/agencies/{agency_id}/{collection}          open a case (the opening step's fields)
    GET  /api/v1/agencies/{agency_id}/{collection}          the agency's cases (year, department_id, state; paged)
    GET  /api/v1/{collection}/{id}                          one case, with its derived status (ETag)
    POST /api/v1/{collection}/{id}/{step}                   take a step (If-Match, Idempotency-Key)
    GET  /api/v1/{collection}/{id}/history?as_of=           its events and the case as it stood
    POST /api/v1/{collection}/{id}/files                    store a file a later step names (multipart)
    GET  /api/v1/{collection}/{id}/files/{sha256}           a file a step named, verified as it is read

(No ``from __future__ import annotations`` here: FastAPI reads the generated bodies from the annotations.)
"""


import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PField

from api import paging
from api import roles as R
from api.deps import Ctx, IdemKey, IfMatch, RequestId, allow, command_out
from api.errors import responses
from api.files import FILE_TYPES, streamed, upload_of
from api.idempotency import IdempotentRoute
from api.schemas import OPTIONAL_TEXT, CommandOut, Event
from api.security import Principal
from ledger.qms.declaration import Field, Process, Step
from ledger.qms.registry import processes
from usecases.qms import file_roles

router = APIRouter(prefix="/api/v1", tags=["qms"], route_class=IdempotentRoute)

Reader = Annotated[Principal, Depends(allow(*R.MEMBERS))]
CMD = responses(400, 401, 403, 404, 409, 412, 422)
COLS = ["id", "agency_id", "process", "department_id", "year", "title", "state", "data", "search", "opened_by",
        "opened_at", "version", "updated_at"]


class ExternalPerson(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = PField(min_length=1, max_length=200)
    organisation: str = PField(min_length=1, max_length=300)


class External(BaseModel):
    """Someone outside the agency (where the step allows it)."""

    model_config = ConfigDict(extra="forbid")
    external: ExternalPerson


class FileIn(BaseModel):
    key: str
    sha256: str = PField(pattern=r"^[0-9a-f]{64}$")
    size: int = PField(ge=0)
    media_type: str
    filename: str


class CaseOut(BaseModel):
    id: str
    agency_id: str
    process: str
    state: str
    title: str
    data: dict[str, Any]
    derived: dict[str, Any]
    version: int
    department_id: str | None = None
    year: int | None = None
    opened_by: str | None = None
    opened_at: str | None = None
    updated_at: str | None = None
    trail: list[dict[str, Any]] | None = None
    next_steps: list[str] | None = None
    final: bool | None = None


class CasePage(BaseModel):
    items: list[CaseOut]
    next_cursor: str | None


class CaseHistory(BaseModel):
    as_of: str | None
    state: dict[str, Any] | None
    events: list[Event]


def _annotation(f: Field) -> Any:
    person: Any = str | External if f.external else str
    kinds: dict[str, Any] = {
        "text": Annotated[str, PField(max_length=f.max_len)], "long_text": Annotated[str, PField(max_length=20000)],
        "integer": int, "year": Annotated[int, PField(ge=1900, le=2200)], "number": float, "date": dt.date,
        "flag": bool, "person": person, "people": list[person], "department": str, "departments": list[str],
        "file": FileIn, "document": str, "ref": str, "refs": list[str],
    }
    if f.kind == "choice":
        return Literal[tuple(f.choices)]
    return kinds[f.kind]


def _person_mark(f: Field) -> dict[str, Any] | None:
    """``x-person`` on a field that names people (checked against the agency's accounts by ledger/qms/fields.py)."""
    if f.kind not in ("person", "people"):
        return None
    return {"x-person": "account-or-external" if f.external else "account"}


def _body(process: Process, step: Step) -> type[BaseModel]:
    fields: dict[str, Any] = {
        f.name: (_annotation(f) | None, PField(None, description=f"{f.label[0]} / {f.label[1]}",
                                               json_schema_extra=_person_mark(f)))
        for f in step.fields}
    fields["reason"] = (str | None, PField(None, max_length=2000, description="Lý do / reason"))
    name = "".join(w.capitalize() for w in f"{process.name}_{step.name}".split("_")) + "In"
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return model


def _values(body: BaseModel) -> tuple[dict[str, Any], str]:
    raw = body.model_dump(mode="json", exclude_unset=True)
    reason = raw.pop("reason", None) or ""
    return {k: v for k, v in raw.items() if v is not None}, reason


def _who(step: Step) -> Any:
    return Annotated[Principal, Depends(allow(*step.roles))]


def _routes(process: Process) -> None:
    c, label = process.collection, process.label
    opening = process.opening
    OpenBody = _body(process, opening)  # noqa: N806
    Opener = _who(opening)  # noqa: N806

    def open_case(ctx: Ctx, agency_id: str, body: OpenBody, p: Opener, rid: RequestId,  # type: ignore[valid-type]
                  key: IdemKey, response: Response) -> CommandOut:
        values, reason = _values(body)
        done = ctx.uc.qms.open(p.actor(rid), agency_id, c, values=values, reason=reason)
        response.headers["Location"] = f"/api/v1/{c}/{done.id}"
        return command_out(response, done)

    router.add_api_route(f"/agencies/{{agency_id}}/{c}", open_case, methods=["POST"], status_code=201,
                         response_model=CommandOut, responses=CMD, name=f"open_{process.name}",
                         summary=f"{opening.label[0]} {label[0].lower()} / {opening.label[1].lower()} a "
                                 f"{label[1].lower()}")

    State = Literal[tuple(process.states)]  # type: ignore[valid-type]  # noqa: N806

    def list_cases(ctx: Ctx, agency_id: str, p: Reader, rid: RequestId,
                   year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
                   department_id: Annotated[str | None, Query(max_length=100, pattern=OPTIONAL_TEXT)] = None,
                   state: State | None = None, limit: paging.Limit = 50,
                   cursor: paging.Cursor = None) -> CasePage:
        rows, nxt = ctx.uc.qms.page(p.actor(rid), agency_id, c, lambda cur, base, params: paging.page(
            cur, f"SELECT {', '.join(COLS)} {base}", params, ["id"], cursor, limit, COLS),
            year=year, department_id=department_id, state=state)
        return CasePage(items=[CaseOut(**r) for r in ctx.uc.qms.decoded(c, rows)], next_cursor=nxt)

    router.add_api_route(f"/agencies/{{agency_id}}/{c}", list_cases, methods=["GET"], response_model=CasePage,
                         responses=responses(400, 401, 403, 404, 422), name=f"list_{process.name}",
                         summary=f"{label[0]} của cơ quan / the agency's {label[1].lower()} items")

    def get_case(ctx: Ctx, case_id: str, p: Reader, rid: RequestId, response: Response) -> CaseOut:
        state = ctx.uc.qms.get(p.actor(rid), c, case_id)
        response.headers["ETag"] = f'"{state["version"]}"'
        return CaseOut(**state)

    router.add_api_route(f"/{c}/{{case_id}}", get_case, methods=["GET"], response_model=CaseOut,
                         responses=responses(401, 403, 404), name=f"get_{process.name}",
                         summary=f"Một {label[0].lower()} / one {label[1].lower()}")

    def history(ctx: Ctx, case_id: str, p: Reader, rid: RequestId,
                as_of: Annotated[dt.datetime | None, Query(description="ISO 8601 có múi giờ / with zone")] = None,
                ) -> dict[str, Any]:
        return ctx.uc.qms.history(p.actor(rid), c, case_id, as_of)

    router.add_api_route(f"/{c}/{{case_id}}/history", history, methods=["GET"], response_model=CaseHistory,
                         responses=responses(400, 401, 403, 404, 422), name=f"history_{process.name}",
                         summary=f"Lịch sử {label[0].lower()} / history")

    for step in process.steps:
        if not step.opens:
            _step_route(process, step)
    if file_roles(process):
        _file_routes(process)


def _file_routes(process: Process) -> None:
    c = process.collection
    Uploader = Annotated[Principal, Depends(allow(*file_roles(process)))]  # noqa: N806

    def upload(ctx: Ctx, request: Request, case_id: str, p: Uploader, rid: RequestId,  # type: ignore[valid-type]
               key: IdemKey, file: Annotated[UploadFile, File(description="Tệp minh chứng / evidence file")],
               response: Response) -> FileIn:
        ref = ctx.uc.qms.upload(p.actor(rid), c, case_id, upload_of(file, request))
        response.headers["Location"] = f"/api/v1/{c}/{case_id}/files/{ref.sha256}"
        return FileIn(**ref.to_dict())

    router.add_api_route(f"/{c}/{{case_id}}/files", upload, methods=["POST"], status_code=201, response_model=FileIn,
                         responses=responses(400, 401, 403, 404, 413, 415, 422, 503), name=f"{process.name}_upload",
                         summary="Tải lên tệp (minh chứng) để một bước ghi nhận / upload a file a step then names")

    def download(ctx: Ctx, case_id: str, sha256: str, p: Reader, rid: RequestId) -> StreamingResponse:
        return streamed(ctx.uc.qms.open_file(p.actor(rid), c, case_id, sha256))

    router.add_api_route(f"/{c}/{{case_id}}/files/{{sha256}}", download, methods=["GET"],
                         response_class=StreamingResponse, name=f"{process.name}_file",
                         responses={200: FILE_TYPES, **responses(401, 403, 404, 410, 503)},
                         summary="Tải tệp một bước đã ghi nhận / download a file a step named")


def _step_route(process: Process, step: Step) -> None:
    c = process.collection
    Body = _body(process, step)  # noqa: N806
    Who = _who(step)  # noqa: N806

    def take(ctx: Ctx, case_id: str, body: Body, p: Who, rid: RequestId,  # type: ignore[valid-type]
             expected: IfMatch, key: IdemKey, response: Response) -> CommandOut:
        values, reason = _values(body)
        done = ctx.uc.qms.take(p.actor(rid), c, case_id, step.name, values=values, reason=reason,
                               expected_version=expected)
        return command_out(response, done)

    who = ", ".join(step.roles)
    router.add_api_route(f"/{c}/{{case_id}}/{step.name}", take, methods=["POST"], response_model=CommandOut,
                         responses=CMD, name=f"{process.name}_{step.name}",
                         summary=f"{step.label[0]} / {step.label[1].lower()} ({who})")


for _process in processes():
    _routes(_process)
