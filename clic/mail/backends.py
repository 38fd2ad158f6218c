"""`make run`'s email backend: each message becomes one .eml file in EMAIL_FILE_PATH.

Unlike Django's file backend (one file per connection, many messages inside), every
message can be opened on its own in a mail client, and nothing leaves the machine.
"""

import os
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class MessageFileBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)
        self._lock = threading.Lock()

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        sent = 0
        with self._lock:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                for message in email_messages:
                    self._write(message)
                    sent += 1
            except OSError:
                if not self.fail_silently:
                    raise
        return sent

    def _write(self, message):
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
        partial = self.directory / f".{name}.part"
        # Written under a hidden name first, so a reader never sees half a message.
        partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
        os.replace(partial, self.directory / name)
