"""The live labs as the run hub sees them: validate a start, say what it shares and what it costs."""

from collections.abc import Mapping
from typing import Any

import orjson

from app.labs.errors import FieldError
from app.runs.hub import Prepared
from app.runs.protocol import LiveRun
from app.settings import Settings
from app.web.errors import on_the_wire, validated
from app.web.live import LiveLab, check_caps


class LabCatalog:
    def __init__(self, labs: Mapping[str, LiveLab], settings: Settings) -> None:
        self.labs = labs
        self.settings = settings

    def prepare(self, lab: str, config: dict[str, Any]) -> Prepared:
        live = self.labs.get(lab)
        if live is None:
            raise FieldError("lab", f"unknown lab {lab[:40]!r}; choose one of {', '.join(sorted(self.labs))}")
        model = validated(live.config_model, config, "config")
        check_caps(model, live.caps, self.settings, prefix="config.")
        canonical = model.model_dump(mode="json")
        key = f"{lab}:" + orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS).decode()
        settings = self.settings

        def build() -> LiveRun:
            try:
                return live.build(model, settings)
            except FieldError as exc:
                raise on_the_wire(exc, "config") from None

        memory, fields = 0, ()
        estimate = getattr(live, "memory", None)
        if estimate is not None:
            memory, fields = estimate(model)
        return Prepared(lab, canonical, key, build, int(memory), tuple(fields))
