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
    # The player's default steps per second (one of static/js/controls.js's SPEEDS): a class can
    # follow the lab's default run, start to end, in 20-60 s; "max" is one click away.
    pace: int


PAGES = [
    Page("initialization", "000, 003", pace=20),  # 1,000 steps: 50 s
    Page("losses", "000, 001", pace=100),  # the outlier fit's 3,000 steps: 30 s
    Page("backprop", "001", pace=200),  # 10,000 steps: 50 s
    Page("optimizers", "003", pace=10),  # a 300-step race: 30 s
    Page("descent", "002", pace=100),  # 5,000 steps: 50 s
    Page("training", "004", pace=20),  # 780 steps: 39 s
    Page("landscape", "003, 004", pace=5),  # 148 steps: 30 s
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
