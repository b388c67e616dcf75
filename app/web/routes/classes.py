"""Classes over HTTP: create one, join it, read its roster, pick its experiment, end it; and its pages."""

import io
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Body, Depends, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import HTTPConnection

from app.broker.base import BrokerError
from app.classes.experiment import MAX_FIELD, METRICS, Metric
from app.classes.names import MAX_NAME
from app.classes.store import ClassFull, ClassRecord, Experiment, TooManyClasses
from app.web.class_socket import Classroom
from app.web.deps import TemplatesDep, TranslationsDep
from app.web.errors import field_error_detail
from app.web.pages import _render as render

router = APIRouter(tags=["classes"])


def get_classroom(conn: HTTPConnection) -> Classroom:
    """The app's one Classroom (``app.state.classes``, where the socket route looks for it), made on
    first use next to the run hub if the lifespan did not make it."""
    state = conn.app.state
    if getattr(state, "classes", None) is None:
        hub = getattr(state, "hub", None) or conn.state.hub
        state.classes = Classroom(state.settings, hub)
    return state.classes  # type: ignore[no-any-return]


ClassroomDep = Annotated[Classroom, Depends(get_classroom)]


class Created(BaseModel):
    code: str = Field(examples=["K7Q2XP"])
    teacher_token: str
    join_url: str


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=MAX_NAME, description="display name; default: a friendly alias")


class Joined(BaseModel):
    student_id: str
    student_token: str
    name: str


class ExperimentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lab: str = Field(max_length=40)
    field: str = Field(max_length=MAX_FIELD, pattern=r"^[A-Za-z_][A-Za-z0-9_.\[\]]*$", examples=["lr"])
    metric: Metric
    target: float | None = Field(None, allow_inf_nan=False, description="the loss 'steps_to_target' waits for")


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def join_url(request: Request, code: str) -> str:
    # from the address the teacher's browser used: on a school network that is the one students can reach
    return f"{str(request.base_url).rstrip('/')}/join/{code}"


def _no_class(code: str) -> HTTPException:
    return HTTPException(404, field_error_detail("code", f"no open class has the code {code[:20]!r}", "path"))


async def _teacher(classroom: Classroom, code: str, authorization: str | None) -> ClassRecord:
    classroom.sweep()
    record = await _load(classroom, code)
    if record is None:
        raise _no_class(code)
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "send the class's teacher token: Authorization: Bearer <teacher_token>",
                            headers={"WWW-Authenticate": "Bearer"})
    found = classroom.store.role(code, token.strip())
    if found is None or found[0] != "teacher":
        raise HTTPException(403, "only the class's teacher token may do this")
    return record


async def _load(classroom: Classroom, code: str) -> ClassRecord | None:
    try:
        return await classroom.store.load(code)
    except BrokerError as exc:
        raise HTTPException(503, f"the class store (Redis) is out of reach: {exc}", headers={"Retry-After": "5"}) \
            from None


async def _stored(classroom: Classroom) -> None:
    """An answer promises what it says is stored: wait for the class store (Redis, with several processes)."""
    try:
        await classroom.store.flush()
    except BrokerError as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None


AuthHeader = Annotated[str | None, Header(include_in_schema=False)]


TEACHER_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"description": "no teacher token (Authorization: Bearer ...)"},
    403: {"description": "a token that is not this class's teacher's"},
    404: {"description": "no open class has this code"},
}


@router.post("/api/classes", status_code=201, response_model=Created,
             responses={503: {"description": "this server holds as many classes as it may"}})
async def create_class(request: Request, classroom: ClassroomDep) -> Created:
    classroom.sweep()
    try:
        record = classroom.store.create()
        await classroom.store.admitted(record)  # counted with every process's classes
    except TooManyClasses as exc:
        raise HTTPException(503, field_error_detail(None, str(exc), code="too_many_classes",
                                                    params={"limit": exc.limit})) from None
    except BrokerError as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None
    await _stored(classroom)
    return Created(code=record.code, teacher_token=record.teacher_token, join_url=join_url(request, record.code))


@router.post("/api/classes/{code}/students", status_code=201, response_model=Joined,
             responses={404: {"description": "no open class has this code"}, 409: {"description": "class full"},
                        429: {"description": "too many failed joins from this address"}})
async def join_class(code: str, request: Request, classroom: ClassroomDep,
                     body: Annotated[JoinBody | None, Body()] = None) -> Joined:
    address = _address(request)
    if classroom.failed_joins.blocked(address):
        raise HTTPException(429, "too many failed joins from this address; wait a minute",
                            headers={"Retry-After": "60"})
    classroom.sweep()
    if await _load(classroom, code) is None:
        classroom.failed_joins.failed(address)
        raise _no_class(code)
    try:
        student = classroom.store.add_student(code, body.name if body else None)
    except ClassFull as exc:
        raise HTTPException(409, str(exc)) from None
    await _stored(classroom)
    return Joined(student_id=student.student_id, student_token=student.token, name=student.name)


@router.get("/api/classes/{code}", responses=TEACHER_ONLY)
async def class_state(code: str, classroom: ClassroomDep, authorization: AuthHeader = None) -> Any:
    return JSONResponse(classroom.state(await _teacher(classroom, code, authorization)))


@router.delete("/api/classes/{code}", status_code=204, responses=TEACHER_ONLY)
async def end_class(code: str, classroom: ClassroomDep, authorization: AuthHeader = None) -> Response:
    classroom.end((await _teacher(classroom, code, authorization)).code)
    await _stored(classroom)
    return Response(status_code=204)


@router.put("/api/classes/{code}/experiment", responses=TEACHER_ONLY)
async def set_experiment(code: str, classroom: ClassroomDep, request: Request,
                         body: Annotated[ExperimentBody | None, Body()] = None,
                         authorization: AuthHeader = None) -> Any:
    """Choose the class experiment (null: none); its points come with every roster."""
    record = await _teacher(classroom, code, authorization)
    if body is not None and body.lab not in request.app.state.live_labs:
        raise HTTPException(422, field_error_detail("lab", f"unknown lab {body.lab!r}"))
    record.experiment = None if body is None else Experiment(body.lab, body.field, body.metric, body.target)
    classroom.roster(record)  # results of the runs now on screen, before the first point is asked for
    classroom.experiment_changed(record)
    await _stored(classroom)
    return JSONResponse({"experiment": classroom.experiment(record)})


@router.get("/api/classes/{code}/qr.svg", response_class=Response, responses=TEACHER_ONLY)
async def join_qr(code: str, request: Request, classroom: ClassroomDep,
                  authorization: AuthHeader = None) -> Response:
    """The join address as a QR code, drawn here (the classroom may be offline)."""
    record = await _teacher(classroom, code, authorization)
    out = io.BytesIO()
    segno.make(join_url(request, record.code), error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False,
                                                               dark="#1d2433")
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/class/{code}", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(code: str, request: Request, templates: TemplatesDep, translations: TranslationsDep) -> Any:
    return render(request, templates, translations, "class.html", page=None, code=code.upper()[:6], metrics=METRICS)


@router.get("/join", response_class=HTMLResponse, include_in_schema=False)
@router.get("/join/{code}", response_class=HTMLResponse, include_in_schema=False)
def join_page(request: Request, templates: TemplatesDep, translations: TranslationsDep, code: str = "") -> Any:
    return render(request, templates, translations, "join.html", page=None, code=code.upper()[:6])
