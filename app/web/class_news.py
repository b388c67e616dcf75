"""What another GradLab process did to a class, applied to this process's sockets, in order.

The class store (classes/broker_store.py) hears the class's channel, updates its cache and hands each
event here; one task applies them one after another, so a present, a release and a freeze reach the
students in the order the teacher sent them, however long finding a run on another process takes.
"""

import asyncio
import logging
from typing import Any

from app.classes.store import ClassRecord, ClassStore

log = logging.getLogger(__name__)


class ClassNews:
    store: ClassStore
    groups: dict[str, Any]

    def _init_news(self) -> None:
        self._elsewhere: asyncio.Queue[tuple[str, dict[str, Any]]] | None = None
        self._applier: asyncio.Task[None] | None = None
        self.store.on_event = self._from_elsewhere

    def _from_elsewhere(self, code: str, event: dict[str, Any]) -> None:
        if self._elsewhere is None:
            self._elsewhere = asyncio.Queue()
            self._applier = asyncio.create_task(self._apply_elsewhere())
        self._elsewhere.put_nowait((code, event))

    async def _apply_elsewhere(self) -> None:
        assert self._elsewhere is not None
        while True:
            code, event = await self._elsewhere.get()
            try:
                await self._apply(code, event)
            except Exception:
                log.exception("applying a class event from another process failed")

    async def _apply(self, code: str, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind in ("ended", "expired"):
            self._disband(code, None)
            return
        record = self.store.get(code)
        if record is None or code not in self.groups:
            return
        if kind == "meta":
            before = event["before"]
            if event.get("did") == "present":
                run = await self._find(record.presenting) if record.presenting is not None else None
                if record.presenting is not None and run is None:
                    log.warning("class %s presents run %s, which this process cannot reach", code, record.presenting)
                else:
                    self._show(code, run, record.view, again=before["presenting"] == record.presenting)
            if record.frozen != before["frozen"]:
                self._freeze(code, record.frozen)
        elif kind == "push":
            self._push(code, event["lab"], event["config"])
        self._changed(code)

    async def close(self) -> None:
        if self._applier is not None:
            self._applier.cancel()
        await self.store.close()

    # what the Classroom provides
    async def _find(self, run_id: str | None) -> Any: ...
    def _show(self, code: str, run: Any, view: dict[str, Any] | None, again: bool) -> None: ...
    def _freeze(self, code: str, on: bool) -> None: ...
    def _push(self, code: str, lab: str, config: dict[str, Any]) -> None: ...
    def _disband(self, code: str, record: ClassRecord | None) -> None: ...
    def _changed(self, code: str) -> None: ...
