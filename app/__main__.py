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
    which answers an oversized one with an error naming it; larger ones close the socket."""
    from app.main import create_app

    return uvicorn.Config(create_app(settings), host=settings.host, port=settings.port,
                          ws_max_size=settings.ws_max_bytes, log_level=log_level)


if __name__ == "__main__":
    main()
