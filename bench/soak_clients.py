"""The soak's simulated people: visitors who chat, reload and leave; agents who answer, close and
drop off. Each records what was acknowledged and what it received in one ``Ledger`` so the run can
prove afterwards that nothing acknowledged was lost or duplicated.

Every send carries a client_id, and a send whose ack never came (the socket dropped, a timeout) is
resent with the same client_id, as the widget's and console's outboxes do.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .sio import RawSocket, SocketError

CALL_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Pace:
    """How people behave. Times in seconds, chances per step; all bounded."""

    think: tuple[float, float] = (5.0, 15.0)  # a visitor between two messages
    reply: tuple[float, float] = (1.0, 4.0)  # an agent before answering
    turns: tuple[int, int] = (2, 6)  # visitor messages before the agent closes the chat
    again: float = 0.2  # chance a visitor starts another chat after one closed
    pause: tuple[float, float] = (10.0, 40.0)  # a visitor between a closed chat and the next one
    reload: float = 0.03  # chance per step that a visitor reloads the page
    leave: float = 0.01  # chance per step that a visitor ends the chat and goes for good
    resend: float = 0.03  # chance a visitor resends its last message (a lost ack, as the outbox would)
    rate: float = 0.2  # chance a visitor rates a closed chat
    idle_close_s: float = 40.0  # an agent closes a chat whose visitor said nothing for this long


@dataclass
class Ledger:
    """What the server acknowledged and what each side received, by conversation and seq."""

    acked: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # (conv, client_id) -> (seq, kind)
    received: dict[str, dict[str, set[int]]] = field(
        default_factory=lambda: {"visitor": defaultdict(set), "agent": defaultdict(set)})
    via_resume: Counter[str] = field(default_factory=Counter)  # side -> messages first seen through a resume
    errors: Counter[str] = field(default_factory=Counter)  # ack error code or socket failure -> count
    counts: Counter[str] = field(default_factory=Counter)  # chats started, reloads, drops...
    resend_mismatch: int = 0  # a resend answered with another seq: a duplicate
    live_duplicates: int = 0  # the same seq pushed twice to one socket

    def ack(self, conversation_id: str, client_id: str, kind: str, message: dict[str, Any]) -> None:
        seq = int(message["seq"])
        known = self.acked.get((conversation_id, client_id))
        if known is None:
            self.acked[(conversation_id, client_id)] = (seq, kind)
            self.counts[f"{kind} messages acked"] += 1
        elif known[0] != seq:
            self.resend_mismatch += 1
        self.received[kind][conversation_id].add(seq)  # a sender knows its own message

    def got(self, side: str, message: dict[str, Any], resumed: bool) -> None:
        seen = self.received[side][message["conversation_id"]]
        if resumed and message["seq"] not in seen:
            self.via_resume[side] += 1
        seen.add(message["seq"])

    def contiguous(self, side: str, conversation_id: str) -> int:
        """The highest seq with none missing below it: where a client resumes from."""
        seen = self.received[side][conversation_id]
        n = 0
        while n + 1 in seen:
            n += 1
        return n

    def error(self, ack: Any) -> str | None:
        if isinstance(ack, dict) and ack.get("ok"):
            return None
        code = ack.get("error", {}).get("code", "unknown") if isinstance(ack, dict) else "bad ack"
        self.errors[code] += 1
        return str(code)


class Person:
    """One socket at a time (replaced on reconnect); sends go through an outbox that resends."""

    side = ""
    namespace = ""

    def __init__(self, http: aiohttp.ClientSession, url: str, ledger: Ledger, pace: Pace, name: str,
                 stop: asyncio.Event) -> None:
        self.http, self.url, self.ledger, self.pace, self.name, self.stop = http, url, ledger, pace, name, stop
        self.sock: RawSocket | None = None
        self.online = asyncio.Event()
        self._ids = itertools.count()
        self._live: set[tuple[str, int]] = set()  # (conversation, seq) pushed to the current socket

    async def open_socket(self, auth: dict[str, Any] | None, first: str, setup: Callable[[RawSocket], None]) -> Any:
        """Connect and wait for the server's first event (``session`` / ``agent:state``)."""
        sock = RawSocket(self.http, self.url, self.namespace)
        hello: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        sock.on(first, lambda data: hello.done() or hello.set_result(data))
        sock.on("message:new", self._on_message)
        setup(sock)
        self._live = set()
        await sock.connect(auth, timeout=CALL_TIMEOUT_S)
        data = await asyncio.wait_for(hello, CALL_TIMEOUT_S)
        self.sock = sock
        self.online.set()
        return data

    def _on_message(self, data: Any) -> None:
        message = (data or {}).get("message") or {}
        if "seq" not in message:
            return
        key = (message["conversation_id"], message["seq"])
        if key in self._live:
            self.ledger.live_duplicates += 1
        self._live.add(key)
        self.ledger.got(self.side, message, resumed=False)
        self.heard(message)

    def heard(self, message: dict[str, Any]) -> None:
        """A message reached this person (live or through a resume)."""

    async def call(self, event: str, data: dict[str, Any]) -> Any:
        """One call on the current socket; None when it failed at the socket (counted)."""
        await self.online.wait()
        assert self.sock is not None
        try:
            return await self.sock.call(event, data, timeout=CALL_TIMEOUT_S)
        except (SocketError, TimeoutError) as exc:
            self.ledger.errors[f"socket: {type(exc).__name__}"] += 1
            return None

    async def send(self, conversation_id: str, text: str, client_id: str | None = None) -> str | None:
        """Until acknowledged: a failed socket means resend the same client_id on the next one.
        Returns the client_id, or None when the server refused the message (e.g. chat closed)."""
        client_id = client_id or f"{self.name}-{next(self._ids)}"
        while True:
            ack = await self.call("message:send", {"conversation_id": conversation_id, "text": text,
                                                   "client_id": client_id})
            if ack is None:
                await asyncio.sleep(0.5)
                continue
            if self.ledger.error(ack) is not None:
                return None
            self.ledger.ack(conversation_id, client_id, self.side, ack["message"])
            return client_id

    async def resume(self, conversation_id: str) -> list[dict[str, Any]]:
        after = self.ledger.contiguous(self.side, conversation_id)
        ack = await self.call("chat:resume", {"conversation_id": conversation_id, "after_seq": after})
        if ack is None or self.ledger.error(ack) is not None:
            return []
        for message in ack["messages"]:
            if message["seq"] <= after:
                self.ledger.live_duplicates += 1  # resume must return only what came after
            self.ledger.got(self.side, message, resumed=True)
            self.heard(message)
        return list(ack["messages"])

    async def drop(self, clean: bool = True) -> None:
        """Close the socket; ``clean=False`` cuts the connection without saying goodbye."""
        self.online.clear()
        if self.sock is not None:
            await self.sock.close(clean)

    async def nap(self, bounds: tuple[float, float]) -> bool:
        """Sleep, but wake when the run stops; True if still running."""
        try:
            await asyncio.wait_for(self.stop.wait(), random.uniform(*bounds))
        except TimeoutError:
            return True
        return False


class Visitor(Person):
    side = "visitor"
    namespace = "/visitor"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.token: str | None = None
        self.conversation_id: str | None = None
        self.closed = asyncio.Event()
        self.assigned = False  # queued visitors wait quietly; they may still reload or leave

    async def connect(self) -> None:
        def setup(sock: RawSocket) -> None:
            sock.on("chat:closed", lambda d: self._is_mine(d) and self.closed.set())
            sock.on("chat:assigned", lambda d: self._is_mine(d) and setattr(self, "assigned", True))

        session = await self.open_socket({"visitor_token": self.token} if self.token else None, "session", setup)
        self.token = session["visitor_token"]
        conversation = session.get("conversation") or {}
        if conversation.get("id") == self.conversation_id and conversation.get("status") == "assigned":
            self.assigned = True

    def heard(self, message: dict[str, Any]) -> None:
        if message["conversation_id"] == self.conversation_id and message["author"]["kind"] == "agent":
            self.assigned = True  # in case chat:assigned raced the chat:start ack

    def _is_mine(self, data: Any) -> bool:
        return isinstance(data, dict) and data.get("conversation_id") == self.conversation_id

    async def live(self, arrive_s: float, first_chat_s: float) -> None:
        """Open the page, later start a chat and talk until the agent closes it; sometimes chat
        again; reload or leave now and then. The page stays open (an idle widget) until the end."""
        if not await self.nap((arrive_s, arrive_s)):
            return
        await self.connect()
        if not await self.nap((first_chat_s, first_chat_s)):
            return
        while True:
            if not await self.chat():
                return  # left for good
            if random.random() >= self.pace.again or not await self.nap(self.pace.pause):
                break
        await self.stop.wait()

    async def chat(self) -> bool:
        """One conversation; False when the visitor left for good."""
        self.closed.clear()
        self.assigned = False
        start = {"text": "Hello, I need help with my order", "client_id": f"{self.name}-{next(self._ids)}"}
        while (ack := await self.call("chat:start", start)) is None:  # same client_id: one conversation
            if not await self.nap((0.5, 0.5)):
                return False
        if self.ledger.error(ack) is not None:
            return await self.nap((1, 3))
        self.conversation_id = conversation_id = ack["conversation_id"]
        self.assigned = self.assigned or ack["status"] == "assigned"
        self.ledger.counts["chats started"] += 1
        self.ledger.ack(conversation_id, ack["message"]["client_id"], "visitor", ack["message"])
        last: str | None = None
        while not self.stop.is_set() and not self.closed.is_set():
            if not await self.nap(self.pace.think) or self.closed.is_set():
                break
            roll = random.random()
            if roll < self.pace.leave:
                await self.call("chat:end", {"conversation_id": conversation_id})
                await self.resume(conversation_id)  # the widget shows the whole transcript
                self.ledger.counts["visitors left"] += 1
                await self.drop()
                return False
            if roll < self.pace.leave + self.pace.reload:
                await self.reload()
            elif not self.assigned:
                continue
            elif last is not None and roll < self.pace.leave + self.pace.reload + self.pace.resend:
                await self.send(conversation_id, "again", client_id=last)  # same client_id: stored once
                self.ledger.counts["resends"] += 1
            else:
                last = await self.send(conversation_id, f"Question {next(self._ids)} about my order")
        if self.closed.is_set():
            await self.resume(conversation_id)
            if random.random() < self.pace.rate:
                self.ledger.error(await self.call("chat:rate", {"conversation_id": conversation_id, "score": 5}))
        return True

    async def reload(self) -> None:
        """Close the page, open it again: same token, resume from the last seq seen."""
        await self.drop()
        self.ledger.counts["visitor reloads"] += 1
        await asyncio.sleep(random.uniform(0.5, 3.0))
        await self.connect()
        if self.conversation_id is not None:
            await self.resume(self.conversation_id)


@dataclass
class Chat:
    """An agent's view of one conversation."""

    id: str
    turns: int
    visitor_messages: int = 0
    waiting: asyncio.Event = field(default_factory=asyncio.Event)  # a visitor message wants an answer
    done: bool = False


class Agent(Person):
    side = "agent"
    namespace = "/agent"

    def __init__(self, *args: Any, login: Callable[[], Awaitable[str]]) -> None:
        super().__init__(*args)
        self.login = login
        self.chats: dict[str, Chat] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    async def connect(self) -> None:
        def setup(sock: RawSocket) -> None:
            sock.on("chat:assigned", lambda d: self.take(d["conversation"]))
            sock.on("chat:closed", lambda d: self._closed(d.get("conversation_id")))
            sock.on("chat:removed", lambda d: self._closed(d.get("conversation_id")))

        state = await self.open_socket({"token": await self.login()}, "agent:state", setup)
        for conversation in state["conversations"]:
            self.take(conversation)
        if state["agent"]["status"] != "online":
            self.ledger.error(await self.call("status:set", {"status": "online"}))

    def take(self, conversation: dict[str, Any]) -> None:
        for message in conversation.get("messages", ()):
            self.ledger.got("agent", message, resumed=False)
        if conversation["id"] in self.chats or conversation.get("status") == "closed":
            return
        chat = self.chats[conversation["id"]] = Chat(conversation["id"], random.randint(*self.pace.turns))
        self.ledger.counts["chats assigned"] += 1
        task = asyncio.create_task(self.answer(chat))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _closed(self, conversation_id: str | None) -> None:
        chat = self.chats.get(conversation_id or "")
        if chat is not None:
            chat.done = True
            chat.waiting.set()

    def heard(self, message: dict[str, Any]) -> None:
        chat = self.chats.get(message["conversation_id"])
        if chat is not None and message["author"]["kind"] == "visitor" and message["seq"] > 1:
            chat.visitor_messages += 1
            chat.waiting.set()

    async def answer(self, chat: Chat) -> None:
        """Greet, answer each visitor message after a moment, close after a few turns or silence."""
        if await self.nap(self.pace.reply):
            await self.send(chat.id, "Hi, thanks for waiting. How can I help?")
        while not self.stop.is_set() and not chat.done:
            try:
                await asyncio.wait_for(chat.waiting.wait(), self.pace.idle_close_s)
            except TimeoutError:
                break  # the visitor went quiet
            chat.waiting.clear()
            if chat.done or not await self.nap(self.pace.reply):
                break
            if await self.send(chat.id, "Let me check that for you.") is None:
                break
            if chat.visitor_messages >= chat.turns:
                break
        if not chat.done and not self.stop.is_set():
            ack = await self.call("chat:close", {"conversation_id": chat.id})
            if ack is not None and self.ledger.error(ack) is None:
                self.ledger.counts["chats closed by agents"] += 1
        chat.done = True

    async def live(self, drops: list[float]) -> None:
        """Stay online for the run; at each time in ``drops`` the socket dies and comes back."""
        await self.connect()
        started = asyncio.get_running_loop().time()
        for at in sorted(drops):
            if not await self.nap((max(0.0, started + at - asyncio.get_running_loop().time()),) * 2):
                return
            await self.drop(clean=False)
            self.ledger.counts["agent socket drops"] += 1
            await asyncio.sleep(random.uniform(1.0, 5.0))  # well inside the disconnect grace
            await self.connect()
            for chat_id in list(self.chats):
                await self.resume(chat_id)
