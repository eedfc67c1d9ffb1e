"""chat-server: a small, fair, fast live-chat server."""

__version__ = "0.1.0"
