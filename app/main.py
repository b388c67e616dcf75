"""The FastAPI application: routes, static files, and the shared objects of its lifespan."""

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import torch
from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware

from app import __version__
from app.broker import make_broker
from app.runs.hub import HubLimits, RunHub
from app.settings import Settings, get_settings
from app.web import assets, errors, spec
from app.web.bodies import BodyLimitMiddleware
from app.web.catalog import LabCatalog
from app.web.class_socket import Classroom
from app.web.headers import SecurityHeadersMiddleware
from app.web.hosts import AllowedHostsMiddleware, allowed_hosts
from app.web.i18n import Translations
from app.web.limits import EDGE_RESPONSES, HEAVY, HeavyLimiter
from app.web.live import LiveLab
from app.web.origins import CrossSiteGuardMiddleware
from app.web.registry import LIVE_LABS, ROUTERS
from app.web.routes import training
from app.web.routes.training_data import UploadStore
from app.web.static_files import CachedStatic, with_static_urls

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("gradlab")


def _with_uploads(labs: dict[str, LiveLab], uploads: UploadStore) -> dict[str, LiveLab]:
    """The live labs, the Training lab's builder bound to this app's upload store."""
    return {**labs, "training": replace(labs["training"], build=partial(training.build, uploads=uploads))}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    uploads = UploadStore(settings)
    live_labs = _with_uploads(LIVE_LABS, uploads)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        torch.set_num_threads(settings.torch_threads)
        warmers = [lab.warm for lab in LIVE_LABS.values() if lab.warm is not None]
        threading.Thread(target=lambda: [warm() for warm in warmers], name="warm-data", daemon=True).start()
        hub = RunHub(LabCatalog(live_labs, settings), HubLimits(
            max_runs=settings.max_runs, max_memory=settings.max_run_memory_mb << 20, grace_s=settings.run_grace_s,
            idle_s=settings.run_idle_s, frame_rate=settings.frame_rate, frame_budget=settings.frame_budget),
            make_broker(settings.broker_url))
        await hub.open()
        app.state.classes = Classroom(settings, hub)  # the socket route hands class messages to it
        yield {
            "hub": hub,
            "heavy": HeavyLimiter(settings),
            "templates": with_static_urls(assets.with_asset_urls(Jinja2Templates(directory=ROOT / "templates"))),
            "translations": Translations(ROOT / "static" / "i18n"),
        }
        await app.state.classes.close()
        await hub.close()

    app = FastAPI(
        title="GradLab",
        version=__version__,
        description="A live laboratory for the basics of training neural networks, on real PyTorch.",
        lifespan=lifespan,
        docs_url=None,  # served by assets.install_docs, from local files
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.live_labs = live_labs
    app.state.uploads = uploads
    # outermost last: headers on every answer, then Host, then cross-site posts, then body limits
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(CrossSiteGuardMiddleware, settings=settings)
    app.add_middleware(AllowedHostsMiddleware, allowed_hosts=list(allowed_hosts(settings)), www_redirect=False)
    app.add_middleware(SecurityHeadersMiddleware)
    errors.install(app)
    assets.install_docs(app)
    spec.install_openapi(app, settings)  # each lab's settings caps appear as maximum
    for router in ROUTERS:
        if router.prefix.startswith("/api/"):  # one-shot computations take turns (app.web.limits)
            app.include_router(router, dependencies=[HEAVY], responses=EDGE_RESPONSES)
        else:
            app.include_router(router)
    app.mount("/static", CachedStatic(directory=ROOT / "static"), name="static")
    return app
