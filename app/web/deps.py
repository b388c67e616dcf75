"""Shared objects, created in the app's lifespan and reached through ``Depends``."""

from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends
from fastapi.templating import Jinja2Templates
from starlette.requests import HTTPConnection

from app.runs.hub import RunHub
from app.settings import Settings
from app.web.i18n import Translations
from app.web.live import LiveLab


def get_settings(conn: HTTPConnection) -> Settings:
    return conn.app.state.settings  # type: ignore[no-any-return]


def get_hub(conn: HTTPConnection) -> RunHub:
    return conn.state.hub  # type: ignore[no-any-return]


def get_labs(conn: HTTPConnection) -> Mapping[str, LiveLab]:
    return conn.app.state.live_labs  # type: ignore[no-any-return]


def get_templates(conn: HTTPConnection) -> Jinja2Templates:
    return conn.state.templates  # type: ignore[no-any-return]


def get_translations(conn: HTTPConnection) -> Translations:
    return conn.state.translations  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings)]
HubDep = Annotated[RunHub, Depends(get_hub)]
LabsDep = Annotated[Mapping[str, LiveLab], Depends(get_labs)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
TranslationsDep = Annotated[Translations, Depends(get_translations)]
