"""The one HTTP listener every webhook channel shares (`KAWAN_WEBHOOK_LISTEN:KAWAN_WEBHOOK_PORT`).

Channels add their routes (`/telegram`, `/whatsapp`) before it starts; the composition root owns it.
A TLS reverse proxy in front terminates HTTPS and forwards those paths here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_BODY = 1024 * 1024  # webhook bodies are a few kilobytes; anything near this is not from Meta or Telegram


class WebhookServer:
    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.port = port
        self.app = web.Application(client_max_size=MAX_BODY)
        self._runner: web.AppRunner | None = None

    def add_route(self, method: str, path: str, handler: RouteHandler) -> None:
        self.app.router.add_route(method, path, handler)

    @property
    def has_routes(self) -> bool:
        return len(self.app.router.routes()) > 0

    async def start(self) -> None:
        # access_log=None: aiohttp's access log prints query strings, and the WhatsApp handshake carries
        # the verify token in one.
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self.port, reuse_address=True)
        await site.start()
        log.info("webhooks listening on %s:%d", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
