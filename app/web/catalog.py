"""The live labs as the run hub sees them: validate a start, say what it shares and what it costs."""

from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import ValidationError

from app.labs.errors import FieldError
from app.runs.hub import Prepared
from app.runs.protocol import LiveRun
from app.settings import Settings
from app.web.errors import first_error
from app.web.live import LiveLab, check_caps


class LabCatalog:
    def __init__(self, labs: Mapping[str, LiveLab], settings: Settings) -> None:
        self.labs = labs
        self.settings = settings

    def prepare(self, lab: str, config: dict[str, Any]) -> Prepared:
        live = self.labs.get(lab)
        if live is None:
            raise FieldError("lab", f"unknown lab {lab[:40]!r}; choose one of {', '.join(sorted(self.labs))}")
        try:
            model = live.config_model.model_validate(config)
        except ValidationError as exc:
            field, text = first_error(exc, "config")
            raise FieldError(field, text) from None
        check_caps(model, live.caps, self.settings, prefix="config.")
        canonical = model.model_dump(mode="json")
        key = f"{lab}:" + orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS).decode()
        settings = self.settings

        def build() -> LiveRun:
            try:
                return live.build(model, settings)
            except FieldError as exc:
                field = exc.field if exc.field.startswith("config") else f"config.{exc.field}"
                raise FieldError(field, exc.message) from None

        memory, fields = 0, ()
        estimate = getattr(live, "memory", None)
        if estimate is not None:
            memory, fields = estimate(model)
        return Prepared(lab, canonical, key, build, int(memory), tuple(fields))
