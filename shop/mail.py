"""The local email backend: print each message and file it under var/mail/."""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileBackend(FileBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._console = ConsoleBackend(*args, **kwargs)

    def send_messages(self, email_messages):
        self._console.send_messages(email_messages)
        return super().send_messages(email_messages)
