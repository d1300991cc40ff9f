"""A loopback SMTP server that counts what the Celery worker sends."""

import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        message = message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(
                {
                    "to": list(envelope.rcpt_tos),
                    "subject": message.get("Subject", ""),
                    "attachments": [
                        part.get_filename()
                        for part in message.walk()
                        if part.get_filename()
                    ],
                }
            )
        return "250 OK"


class MailSink:
    """Accept mail on 127.0.0.1:port and keep the subject and attachments."""

    def __init__(self, port: int):
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)
        self.running = False

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def messages(self) -> list[dict]:
        with self.handler.lock:
            return list(self.handler.messages)
