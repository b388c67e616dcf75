"""Every lab GradLab serves: its router, its live run and its page. A new lab adds a line to LABS."""

from dataclasses import dataclass
from types import ModuleType

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
    # The player's default steps per second (one of static/js/controls.js's SPEEDS): a class can
    # follow the lab's default run, start to end, in 20-60 s; "max" is one click away.
    pace: int


@dataclass(frozen=True)
class Lab:
    """One lab: its routes module (its ``router`` and its live run's ``LIVE``) and its page."""

    routes: ModuleType
    page: Page


# A new lab is one line here.
LABS = [
    Lab(initialization, Page("initialization", "000, 003", pace=20)),  # 1,000 steps: 50 s
    Lab(losses, Page("losses", "000, 001", pace=100)),  # the outlier fit's 3,000 steps: 30 s
    Lab(backprop, Page("backprop", "001", pace=200)),  # 10,000 steps: 50 s
    Lab(optimizers, Page("optimizers", "003", pace=10)),  # a 300-step race: 30 s
    Lab(descent, Page("descent", "002", pace=100)),  # 5,000 steps: 50 s
    Lab(training, Page("training", "004", pace=20)),  # 780 steps: 39 s
    Lab(landscape, Page("landscape", "003, 004", pace=5)),  # 148 steps: 30 s
]
PAGES = [lab.page for lab in LABS]
ROUTERS: list[APIRouter] = [
    health.router,
    *(lab.routes.router for lab in LABS),
    specs.router,
    socket.router,
    classes.router,
    pages.router,
    assets.router,
]
LIVE_LABS: dict[str, LiveLab] = {lab.routes.LIVE.name: lab.routes.LIVE for lab in LABS}
