"""A real SMTP server on loopback (aiosmtpd) that records what it accepts.

Tests point Django's SMTP backend (or a worker's EMAIL_HOST/EMAIL_PORT) at
it; the handler can refuse the first messages or hold the first session.
"""

import asyncio
import socket
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Accept messages into `accepted`; `refuse_first` DATA commands get
    `refusal`; with `stall_first` the first RCPT waits until `release` is set
    (and `stalled` tells the test it is waiting), then refuses."""

    def __init__(
        self,
        *,
        refuse_first: int = 0,
        refusal: str = "451 4.3.0 Try again later",
        stall_first: bool = False,
    ):
        self.accepted: list[Message] = []
        self.data_attempts = 0
        self.refuse_first = refuse_first
        self.refusal = refusal
        self.stall_first = stall_first
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_first and not self.stalled.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held too long, try again"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.data_attempts <= self.refuse_first:
            return self.refusal
        self.accepted.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class LoopbackSMTPServer:
    """`with LoopbackSMTPServer(handler) as server:` serves on server.port."""

    def __init__(self, handler: RecordingHandler):
        self.handler = handler
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller = Controller(handler, hostname=self.host, port=self.port)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc_info):
        self.handler.release.set()
        self._controller.stop()

    def worker_env(self) -> dict:
        """Environment that makes a worker process send through this server."""
        return {
            "DJANGO_SETTINGS_MODULE": "shop.settings.test",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
            "EMAIL_TIMEOUT": "30",
        }
