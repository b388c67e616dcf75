"""Every limit and address in one place, read from ``GRADLAB_*`` environment variables."""

import json
import os
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRADLAB_", frozen=True)

    host: str = "127.0.0.1"  # 0.0.0.0 opens GradLab to a classroom network
    port: int = Field(8000, ge=1, le=65535)
    allowed_origins: tuple[str, ...] = ()  # extra browser origins allowed on the WebSocket
    allowed_hosts: tuple[str, ...] = ()  # extra names students may browse to (Host header), e.g. gradlab.school.lan

    # the network edge: what one client may hold or send, and for how long
    max_body_bytes: int = Field(1_100_000, ge=1024)  # any request body (413 beyond); above max_upload_bytes
    body_timeout_s: float = Field(20.0, gt=0)  # a request body must have arrived within this (408 after)
    header_timeout_s: float = Field(10.0, gt=0)  # a connection must send its request head within this
    keep_alive_s: int = Field(5, ge=1)  # an idle keep-alive connection is closed after this
    handshake_timeout_s: float = Field(10.0, gt=0)  # a WebSocket must be accepted or refused within this
    max_connections_per_client: int = Field(64, ge=1)  # open sockets (HTTP and WebSocket) from one address
    # one-shot computations at once in a process (its share of the cores with --workers: see per_worker)
    heavy_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    heavy_wait_s: float = Field(2.0, ge=0)  # a one-shot computation waits this long for its turn, then 503
    max_request_memory_mb: int = Field(256, ge=1)  # estimated memory of one one-shot computation

    torch_threads: int = Field(1, ge=1, le=64)  # intra-op threads per process (see per_worker): a small shared server
    max_runs: int = Field(64, ge=1)  # distinct live computations at once (identical starts share one)
    max_run_memory_mb: int = Field(4096, ge=16)  # the live runs' estimated memory together
    broker_url: str = "memory://"  # redis://host:6379/0 lets several GradLab processes serve one class
    run_grace_s: float = Field(60.0, ge=0)  # a run outlives its last socket this long (a reload, a Wi-Fi drop)
    run_idle_s: float = Field(300.0, ge=0)  # unmoved this long, a run may sleep to make room (rebuilt on demand)
    max_message_bytes: int = Field(4096, ge=256)  # one WebSocket message from a client
    ws_max_bytes: int = Field(1 << 20, ge=1024)  # beyond this the protocol closes the socket (1009)
    frame_rate: float = Field(8.0, gt=0, le=60)  # frames per second a socket gets at most
    frame_budget: float = Field(0.12, gt=0, le=1)  # share of a run's time spent building frames

    max_steps: int = Field(100_000, ge=1)
    max_depth: int = Field(24, ge=1)
    max_width: int = Field(1024, ge=1)
    max_batch_size: int = Field(2048, ge=1)
    max_bins: int = Field(200, ge=2)
    max_methods: int = Field(4, ge=1)  # initialisation methods compared side by side
    max_samples: int = Field(20_000, ge=1)
    max_racers: int = Field(8, ge=1)
    max_swarm: int = Field(10_000, ge=1)
    max_epochs: int = Field(1_000, ge=1)
    max_upload_bytes: int = Field(1_000_000, ge=1)
    max_uploads_per_client: int = Field(4, ge=1)  # a client's fifth upload replaces its own oldest
    max_upload_store_bytes: int = Field(64_000_000, ge=1)  # every upload kept; beyond it new uploads wait (503)
    upload_ttl_s: float = Field(4 * 3600, gt=0)  # an upload unused this long is forgotten
    max_descent_updates: int = Field(10_000, ge=1)  # one POST /api/descent/run: answered within seconds
    max_trajectory_steps: int = Field(5_000, ge=1)  # one POST /api/optimizers/trajectories: 100,000 x 8 took 80 s
    max_classes: int = Field(20, ge=1)  # classes open at once on this server (with a broker: over all its processes)
    max_class_students: int = Field(100, ge=1)  # students in one class
    class_idle_s: float = Field(1800.0, gt=0)  # a class with no teacher socket for this long ends
    max_failed_joins: int = Field(20, ge=1)  # failed joins a minute from one address before 429
    # The Loss-landscape lab: one surface is grid² evaluations of the model on the training set.
    max_landscape_grid: int = Field(61, ge=3)  # points per side of the plane
    max_landscape_width: int = Field(128, ge=1)
    max_landscape_depth: int = Field(16, ge=1)  # hidden layers
    max_landscape_epochs: int = Field(200, ge=1)
    max_landscape_samples: int = Field(2_000, ge=8)
    max_landscape_steps: int = Field(20_000, ge=1)  # training updates of one network
    max_landscape_work: float = Field(2e11, gt=0)  # 2·grid²·samples·parameters: a 51×51 digits surface is 6e10
    max_landscape_parameters: int = Field(20_000, ge=0)  # POST /api/landscape/surface returns them up to this
    fashion_mnist_dir: str = ""  # folder of Fashion-MNIST's IDX files, offered in the Training lab; "" = none


    def per_worker(self, workers: int) -> "Settings":
        """What each of ``workers`` GradLab processes on this machine runs with (``gradlab --workers``):
        its share of the cores for torch's intra-op threads and for one-shot computations at once, so
        that the processes together start no more threads than there are cores. Each process keeps a
        core busy stepping its runs already; more threads than cores only take turns on them. A value
        set lower is kept."""
        share = max(1, (os.cpu_count() or 1) // workers)
        return self.model_copy(update={"torch_threads": min(self.torch_threads, share),
                                       "heavy_concurrency": min(self.heavy_concurrency, share)})

    def export(self) -> None:
        """Write these settings to the environment, for worker processes started from this one."""
        for name, value in self.model_dump(mode="json").items():
            os.environ[f"GRADLAB_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)


@lru_cache
def get_settings() -> Settings:
    return Settings()
