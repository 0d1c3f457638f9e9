"""One event loop, one HTTP session, one timestamper and one fetcher backend per process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import aiohttp
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

T = TypeVar("T")


class SigningRuntime:
    """Runs pyHanko's coroutines on a private loop thread, so the aiohttp session can be reused.

    An aiohttp session belongs to the loop that made it; ``asyncio.run`` per
    call would force a new session (and new TCP connections) per signature.
    """

    def __init__(self, tsa_url: str | None, http_timeout: float) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="isoledger-signing", daemon=True)
        self._thread.start()
        self._session: aiohttp.ClientSession = self.run(self._open_session(http_timeout))
        self.timestamper: TimeStamper | None = (
            HTTPTimeStamper(tsa_url, timeout=int(http_timeout), session=self._session) if tsa_url else None
        )
        self.fetcher_backend = AIOHttpFetcherBackend(session=self._session, per_request_timeout=http_timeout)
        self._closed = False

    @staticmethod
    async def _open_session(timeout: float) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the runtime's loop and wait for its result (or exception)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.run(self._session.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
