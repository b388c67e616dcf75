"""The guarded protocol classes for ``gradlab --workers N``: each worker process imports them by name
(a class made at run time cannot be handed to a spawned process), from the settings it inherited."""

from app.settings import get_settings
from app.web.transport import protocols

GuardedHttp, GuardedWebSocket = protocols(get_settings())
