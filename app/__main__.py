"""``python -m app [--host H] [--port P]``: start GradLab (also the ``gradlab`` command)."""

import argparse
import logging

import uvicorn

from app.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="gradlab", description="Start the GradLab server.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 opens it to the classroom)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    uvicorn.Server(server_config(settings)).run()


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
