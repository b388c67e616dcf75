"""Each live lab's spec, served to its page: the one place the form reads defaults, choices and limits."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from app.web.deps import LabsDep, SettingsDep
from app.web.errors import field_error_detail
from app.web.spec import page_spec

router = APIRouter(prefix="/api/labs", tags=["labs"])


class LabSpec(BaseModel):
    lab: str
    config_schema: dict[str, Any] = Field(
        serialization_alias="schema",
        description="the JSON schema of the lab's run config, with this server's caps as maximum / maxItems")
    defaults: dict[str, Any] = Field(description="the config a start message with {} runs")
    live: list[str] = Field(description="the fields a set message may change during a run")
    tools: dict[str, Any] = Field(default_factory=dict,
                                  description="the page's one-shot panels: each request's schema and defaults")


def _live_lab_names(schema: dict[str, Any]) -> None:
    """The OpenAPI's choices for ``{lab}``, read when the schema is built: the registry that lists the
    labs imports this module, so this module cannot import it first."""
    from app.web.registry import LIVE_LABS

    schema["enum"] = sorted(LIVE_LABS)


@router.get("/{lab}/spec", response_model=LabSpec, summary="A live lab's config: schema, limits and defaults")
def spec(lab: Annotated[str, Path(json_schema_extra=_live_lab_names)], labs: LabsDep,
         settings: SettingsDep) -> dict[str, Any]:
    """What a page builds its form from and checks its URL state against."""
    live = labs.get(lab)
    if live is None:
        message = f"no live lab called {lab[:40]!r}; choose one of {', '.join(sorted(labs))}"
        raise HTTPException(422, field_error_detail("lab", message, where="path"))  # named like every bad input
    return {"lab": lab, **page_spec(live.config_model, live.params_model, live.caps, settings, live.tools)}
