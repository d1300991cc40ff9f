"""One channel per live process, shared by every socket the process holds.

Channels gives each consumer a channel of its own, and a task that waits on
it through Channels' dispatch: an event for a group watched by a thousand
sockets woke a thousand channel reads, each a hop through `asyncio.wait` and
a new task, a quarter of an event's way to the last socket (make bench,
docs/performance.md). The hub joins each group once per process, takes its
events from one channel, and puts the text in each local socket's outbox,
which the socket's own writer empties: a socket whose client reads slowly
holds up its own writer, never the hub.
"""

import asyncio
import logging
import weakref
from typing import Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


class Member(Protocol):
    def live_event(self, message: dict) -> None: ...


class LiveHub:
    """The groups this process's sockets watch, and who watches each."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.members: dict[str, set[Member]] = {}
        self.reader: asyncio.Task | None = None
        # Joins and leaves of one group reach the layer in the order made.
        self.lock = asyncio.Lock()

    async def join(self, groups: list[str], member: Member) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("live-hub.")
                self.reader = asyncio.create_task(self._read())
            for group in groups:
                members = self.members.setdefault(group, set())
                if not members:
                    await self.layer.group_add(group, self.channel)
                members.add(member)

    async def leave(self, groups: list[str], member: Member) -> None:
        async with self.lock:
            for group in groups:
                members = self.members.get(group)
                if members is None:
                    continue
                members.discard(member)
                if not members:
                    del self.members[group]
                    await self.layer.group_discard(group, self.channel)

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer reconnects to Redis by itself; clients that miss
                # an event meanwhile get it from the database when they resume.
                logger.exception("the live hub could not read its channel")
                await asyncio.sleep(1)
                continue
            for member in tuple(self.members.get(message.get("group"), ())):
                try:
                    member.live_event(message)
                except Exception:
                    # One socket's failure must not end every socket's events.
                    logger.exception("a live event could not be queued")


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def live_hub() -> LiveHub:
    """Return the hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = LiveHub()
    return hub
