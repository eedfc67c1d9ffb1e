"""Which rooms each client is in, kept as it changes.

python-socketio finds a client's rooms by scanning every room of the namespace
(``BaseManager.basic_disconnect`` and ``get_rooms``). Every visitor has a sid room and a
conversation room, so with 10,000 widgets connected each disconnect walked ~20,000 rooms; when
5,000 of them left at once (a deploy, a network blip) the process spent seconds of CPU on it
(docs/performance.md, "Drain, fourth pass"). This mixin keeps the reverse index so both are
proportional to the client's own rooms.
"""

from __future__ import annotations

from typing import Any


class RoomIndex:
    """Mixin for a python-socketio manager; put it before the manager class in the bases."""

    rooms: dict[Any, dict[Any, Any]]
    callbacks: dict[Any, Any]
    pending_connect: dict[Any, list[Any]]
    pending_disconnect: dict[Any, list[Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # namespace -> sid -> rooms (a dict as an ordered set: get_rooms keeps the join order)
        self.rooms_of: dict[str, dict[str, dict[Any, None]]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: Any, eio_sid: str | None = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # type: ignore[misc]
        self.rooms_of.setdefault(namespace, {}).setdefault(sid, {})[room] = None

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)  # type: ignore[misc]
        self._forget(sid, namespace, room)

    def _forget(self, sid: str, namespace: str, room: Any) -> None:
        by_sid = self.rooms_of.get(namespace)
        mine = by_sid.get(sid) if by_sid is not None else None
        if mine is None:
            return
        mine.pop(room, None)
        if not mine:
            del by_sid[sid]  # type: ignore[union-attr]
            if not by_sid:
                del self.rooms_of[namespace]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """``BaseManager.basic_disconnect`` with the room scan replaced by the index."""
        if namespace not in self.rooms:
            self.rooms_of.pop(namespace, None)
            return
        for room in list(self.rooms_of.get(namespace, {}).get(sid, ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            waiting = pending.get(namespace)
            if waiting is not None and sid in waiting:
                waiting.remove(sid)
                if not waiting:
                    del pending[namespace]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        return [room for room in self.rooms_of.get(namespace, {}).get(sid, ()) if room is not None]
