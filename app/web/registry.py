"""Every lab GradLab serves: its router, its live run and its page. A new lab adds a line here."""

from dataclasses import dataclass

from fastapi import APIRouter

from app.web import assets, pages, socket
from app.web.live import LiveLab
from app.web.routes import (
    backprop,
    classes,
    descent,
    health,
    initialization,
    landscape,
    losses,
    optimizers,
    specs,
    training,
)


@dataclass(frozen=True)
class Page:
    slug: str  # URL /labs/<slug>, template templates/<slug>.html, strings <slug>.title/.summary
    chapter: str  # which note it teaches


PAGES = [
    Page("initialization", "000, 003"),
    Page("losses", "000, 001"),
    Page("backprop", "001"),
    Page("optimizers", "003"),
    Page("descent", "002"),
    Page("training", "004"),
    Page("landscape", "003, 004"),
]

ROUTERS: list[APIRouter] = [
    health.router,
    initialization.router,
    losses.router,
    backprop.router,
    optimizers.router,
    descent.router,
    training.router,
    specs.router,
    landscape.router,
    socket.router,
    classes.router,
    pages.router,
    assets.router,
]

LIVE_LABS: dict[str, LiveLab] = {lab.name: lab for lab in [initialization.LIVE, losses.LIVE, backprop.LIVE,
                                                          descent.LIVE, training.LIVE, optimizers.LIVE,
                                                          landscape.LIVE]}
