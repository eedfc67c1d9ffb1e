"""Every Redis key name in one place.

Queue keys share one hash tag (``{prefix:q}``) so each Lua script touches a single Redis Cluster
slot. The prefix is a setting, so deployments and test runs can share a Redis without colliding.
"""

from __future__ import annotations


class Keys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        tag = f"{{{prefix}:q}}"
        self.waiting = f"{prefix}:{tag}:waiting"  # ZSET conversation -> order (lower = sooner)
        self.queue_seq = f"{prefix}:{tag}:seq"  # INCR counter for FIFO order
        self.tickets = f"{prefix}:{tag}:tickets"  # HASH department -> counter for places in its line
        self.online = f"{prefix}:{tag}:online"  # SET of agent ids taking chats
        self.load = f"{prefix}:{tag}:load"  # HASH agent -> open chats
        self.capacity = f"{prefix}:{tag}:capacity"  # HASH agent -> max open chats
        self.last_assigned = f"{prefix}:{tag}:last"  # HASH agent -> ordering stamp of last assignment
        self.assignment = f"{prefix}:{tag}:assignment"  # HASH conversation -> agent
        self.ready_at = f"{prefix}:{tag}:ready_at"  # HASH agent -> ms when breathing time ends
        self.meta = f"{prefix}:{tag}:meta"  # HASH conversation -> "dept|lang|enqueued_ms|score|ticket"
        self.agent_depts = f"{prefix}:{tag}:agent_depts"  # HASH agent -> "|sales|support|" ("" = all)
        self.agent_langs = f"{prefix}:{tag}:agent_langs"  # HASH agent -> "|en|sk|" ("" = any)
        self.offers = f"{prefix}:{tag}:offers"  # HASH conversation -> agent it rings for
        self.offer_exp = f"{prefix}:{tag}:offer_exp"  # ZSET conversation -> ms the offer expires
        self.declined = f"{prefix}:{tag}:declined"  # HASH conversation -> "|a1|a2|" who passed on it
        self.sla_flagged = f"{prefix}:sla_flagged"  # SET conversations past their department's max wait
        self.handle_avg = f"{prefix}:handle_avg"  # HASH department -> rolling average handle seconds
        self.visitors_gone = f"{prefix}:visitors:gone"  # ZSET queued conversation -> ms its widget left
        self.gone = f"{prefix}:agents:gone"  # ZSET agent -> ms their last console disconnected
        self.socketio_channel = f"{prefix}:socketio"
        self.processes = f"{prefix}:procs"  # SET of server process ids that registered a heartbeat

    def agent_sockets(self, agent_id: str) -> str:
        """SET of live socket ids of one agent across processes."""
        return f"{self.prefix}:agent:{agent_id}:sockets"

    def agent_status(self, agent_id: str) -> str:
        return f"{self.prefix}:agent:{agent_id}:status"

    def queue_keys(self) -> list[str]:
        return [self.waiting, self.queue_seq, self.online, self.load, self.capacity, self.last_assigned,
                self.assignment, self.ready_at, self.meta, self.agent_depts, self.agent_langs, self.offers,
                self.offer_exp, self.declined, self.tickets]

    def process_alive(self, process_id: str) -> str:
        """STRING with a TTL, refreshed by the process's sweeper: gone means the process is dead."""
        return f"{self.prefix}:proc:{process_id}:alive"

    def process_sockets(self, process_id: str) -> str:
        """SET of "a|agent_id|sid" and "v|conversation_id|sid": presence entries this process added."""
        return f"{self.prefix}:proc:{process_id}:sockets"

    def visitor_sockets(self, conversation_id: str) -> str:
        """SET of live widget sockets following one conversation."""
        return f"{self.prefix}:conv:{conversation_id}:sockets"
