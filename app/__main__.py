"""``python -m app [--host H] [--port P]``: start GradLab (also the ``gradlab`` command)."""

import argparse
import logging

import uvicorn

from app.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="gradlab", description="Start the GradLab server.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 opens it to the classroom)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes serving one port, each with its own runs (needs GRADLAB_BROKER_URL=redis://...)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    if args.workers < 1:
        parser.error("--workers is a number of processes, at least 1")
    if args.workers > 1 and settings.broker_url.startswith("memory://"):
        parser.error(f"--workers {args.workers} needs a broker the processes share, so that a class and its runs "
                     "span them: start Redis and set GRADLAB_BROKER_URL=redis://127.0.0.1:6379/0")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.workers == 1:
        uvicorn.Server(server_config(settings)).run()
        return
    settings = settings.per_worker(args.workers)
    settings.export()  # each worker process builds its app and its protocols from the same settings
    uvicorn.run("app.main:create_app", factory=True, workers=args.workers, host=settings.host, port=settings.port,
                http="app.web.worker_protocols:GuardedHttp", ws="app.web.worker_protocols:GuardedWebSocket",
                ws_max_size=settings.ws_max_bytes, timeout_keep_alive=settings.keep_alive_s, server_header=False,
                log_level="info")


def server_config(settings: Settings, log_level: str = "info") -> uvicorn.Config:
    """uvicorn's configuration for ``settings``: messages up to ``ws_max_bytes`` reach the app,
    which answers an oversized one with an error naming it; larger ones close the socket. The
    protocols add a request-head and a handshake timeout and a per-address connection bound
    (``app.web.transport``); no ``server: uvicorn`` banner."""
    from app.main import create_app
    from app.web.transport import protocols

    http, ws = protocols(settings)
    return uvicorn.Config(create_app(settings), host=settings.host, port=settings.port, http=http, ws=ws,
                          ws_max_size=settings.ws_max_bytes, timeout_keep_alive=settings.keep_alive_s,
                          server_header=False, log_level=log_level)


if __name__ == "__main__":
    main()
