"""Abuse protection: rate limits shared by every process through Redis, and client addresses."""
