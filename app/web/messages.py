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


class Join(_Message):  # join a class: as its teacher or one of its students, by the token
    type: Literal["join"]
    code: str = Field(max_length=16)
    token: str = Field(max_length=200)


class Present(_Message):  # the teacher puts a run on every student's screen; null releases them
    type: Literal["present"]
    run_id: str | None = Field(max_length=64)
    view: dict[str, Any] | None = None  # the teacher's view of it (tab, quantity, scale): students draw the same


class Freeze(_Message):  # the teacher's "eyes on me": students' runs pause until off
    type: Literal["freeze"]
    on: bool = Field(strict=True)  # true or false, not "yes"


class Push(_Message):  # the teacher hands every student a lab and a config, to run as their own
    type: Literal["push"]
    lab: str = Field(max_length=40)
    config: dict[str, Any] = Field(default_factory=dict)


class Attach(_Message):
    type: Literal["attach"]
    run_id: str = Field(max_length=64)
    token: str | None = Field(None, max_length=128)  # the run's token controls it; without, watch


class Detach(_Message):
    type: Literal["detach"]


class Seek(_Message):
    type: Literal["seek"]
    step: int = Field(ge=0)


ClientMessage = Annotated[Start | Pause | Resume | Step | Set | Stop | Attach | Detach | Seek | Join | Present | Freeze
                          | Push, Field(discriminator="type")]
CONTROL = (Pause, Resume, Step, Set, Seek, Stop)  # what only a run's controller may send
client_message = TypeAdapter(ClientMessage)
