"""How honest is the wait estimate? A discrete-event simulation against the real routing code.

Visitors arrive at random (Poisson), agents with a few slots each handle chats for a random time
(exponential around a mean), and every step goes through ``chat_server.routing.queue.Queue`` on a
real Redis: enqueue, assign, record_handle_time, release. Time is simulated (no sleeping). At each
arrival we keep the estimate the visitor was shown; when they are assigned we know the actual wait.
The report is the mean absolute error of estimate against actual wait.

    python -m bench.queue_sim [--visitors 400] [--agents 4] [--capacity 2] [--handle 240] [--load 0.9]

Traffic goes to the Redis at CHAT_BENCH_REDIS_URL (default redis://127.0.0.1:6379/0) under a unique
key prefix that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import os
import random
import statistics
import uuid

import redis.asyncio as aioredis

from chat_server.departments import Department
from chat_server.redis_backend.keys import Keys
from chat_server.routing.queue import Queue


async def simulate(visitors: int, agents: int, capacity: int, handle_s: float, load: float, seed: int) -> dict:
    rng = random.Random(seed)
    client = aioredis.from_url(os.environ.get("CHAT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    prefix = f"sim-{uuid.uuid4().hex[:8]}"
    queue = Queue(client, Keys(prefix), int(handle_s), [Department("general", "General")])
    try:
        for a in range(agents):
            await queue.set_online(f"a{a}", capacity, 0)
        # Arrival rate that keeps the team at `load` of its capacity on average.
        rate = load * agents * capacity / handle_s
        events: list[tuple[float, int, str, str]] = []  # (time, order, kind, conversation)
        t = 0.0
        for i in range(visitors):
            t += rng.expovariate(rate)
            heapq.heappush(events, (t, i, "arrive", f"c{i}"))
        shown: dict[str, tuple[float, int]] = {}
        errors: list[float] = []
        waits: list[float] = []
        order = visitors
        while events:
            now, _, kind, conversation = heapq.heappop(events)
            now_ms = int(now * 1000)
            if kind == "arrive":
                await queue.enqueue(conversation, department="general", now_ms=now_ms)
            else:  # "done": the agent closes the chat
                await queue.release(conversation)
                await queue.record_handle_time("general", float(kind.split(":")[1]) if ":" in kind else handle_s)
            for made in await queue.assign(now_ms):
                start = shown.pop(made.conversation_id, None)
                waited = now - start[0] if start else 0.0
                waits.append(waited)
                if start:  # only visitors who were shown a queue estimate
                    errors.append(abs(start[1] - waited))
                handle = rng.expovariate(1 / handle_s)
                order += 1
                heapq.heappush(events, (now + handle, order, f"done:{handle:.1f}", made.conversation_id))
            if kind == "arrive" and conversation not in shown and await queue.position(conversation):
                status = await queue.status(conversation)
                assert status is not None
                shown[conversation] = (now, status.estimated_wait_s)
        queued_errors = errors
        return {
            "visitors": visitors, "agents": agents, "capacity": capacity, "handle_s": handle_s, "load": load,
            "queued": len(queued_errors),
            "mean_wait_s": round(statistics.mean(waits), 1) if waits else 0.0,
            "mae_s": round(statistics.mean(queued_errors), 1) if queued_errors else 0.0,
            "median_abs_error_s": round(statistics.median(queued_errors), 1) if queued_errors else 0.0,
        }
    finally:
        keys = [k async for k in client.scan_iter(f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=400)
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--capacity", type=int, default=2)
    parser.add_argument("--handle", type=float, default=240.0, help="mean handle time, seconds")
    parser.add_argument("--load", type=float, default=0.9, help="arrivals as a share of the team's capacity")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = asyncio.run(simulate(args.visitors, args.agents, args.capacity, args.handle, args.load, args.seed))
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
