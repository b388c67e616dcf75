"""``/ws/runs``: one WebSocket for every live lab, a reader and a writer per client."""

import logging

import anyio
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from app.web.connection import RunConnection
from app.web.deps import HubDep, LabsDep, SettingsDep
from app.web.origins import origin_allowed

log = logging.getLogger(__name__)
router = APIRouter()


@router.websocket("/ws/runs")
async def runs_socket(ws: WebSocket, settings: SettingsDep, hub: HubDep, labs: LabsDep) -> None:
    if not origin_allowed(ws, settings):
        log.warning("refused WebSocket from origin %r (host %r)", ws.headers.get("origin"), ws.headers.get("host"))
        await ws.close(code=1008)  # before accept: the handshake is answered 403
        return
    await ws.accept()
    conn = RunConnection(settings, hub, labs, getattr(ws.app.state, "classes", None))
    conn.address = ws.client.host if ws.client else None  # failed class joins are limited per address

    async def write() -> None:
        try:
            while True:
                await ws.send_text((await conn.outbox.get()).decode())
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass  # the client went away mid-send: the reader sees the disconnect and ends

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(write)
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await conn.handle(message.get("text") or message.get("bytes") or b"")
            tg.cancel_scope.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        with anyio.CancelScope(shield=True):
            await conn.close()
