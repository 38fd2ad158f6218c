"""The load test's SMTP server: accepts every message on a loopback port and appends its
Message-ID and recipients to a file, one line each, so that the check afterwards can count
what arrived.

    python loadtest/smtp_sink.py PORT FILE
"""

import email
import email.policy
import logging
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str):
        self.out = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.lock:
            self.out.write(f"{message['Message-ID']}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"SMTP sink on 127.0.0.1:{port}, writing {path}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
