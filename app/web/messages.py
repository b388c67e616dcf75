"""The WebSocket's client messages, each a Pydantic model told apart by ``type``."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Start(_Message):
    type: Literal["start"]
    lab: str
    config: dict[str, Any] = Field(default_factory=dict)
    speed: float | None = Field(None, gt=0, le=10_000, allow_inf_nan=False)  # steps per second
    paused: bool = False  # start paused, at step 0


class Pause(_Message):
    type: Literal["pause"]


class Resume(_Message):
    type: Literal["resume"]


class Step(_Message):
    type: Literal["step"]
    n: int = Field(1, ge=1, le=100_000)


class Set(_Message):
    type: Literal["set"]
    params: dict[str, Any]


class Stop(_Message):
    type: Literal["stop"]


ClientMessage = Annotated[Start | Pause | Resume | Step | Set | Stop, Field(discriminator="type")]
client_message = TypeAdapter(ClientMessage)
