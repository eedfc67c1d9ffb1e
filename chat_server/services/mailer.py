"""Email for offline conversations: the visitor's answer reaches them even if they never return.
Uses the standard library's smtplib in a worker thread; no SMTP host configured means no email."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self, host: str, port: int, sender: str, company: str) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.company = company

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    async def send_answer(self, to: str, visitor_name: str | None, agent_name: str, text: str) -> bool:
        if not self.enabled:
            return False
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = f"{self.company}: {agent_name} answered your message"
        message.set_content(f"Hello {visitor_name or 'there'},\n\n{text}\n\n{agent_name}, {self.company}\n")
        try:
            await asyncio.to_thread(self._send, message)
            return True
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("could not email %s: %s", to, exc)
            return False

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)
