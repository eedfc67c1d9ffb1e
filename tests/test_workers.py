"""`chat-server run --workers 2`: two processes on one port sharing the embedded Redis and SQLite."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import aiohttp

from .helpers import Peer, cid
from .processes import ROOT, free_port


async def test_two_workers_share_one_port_and_one_queue(tmp_path):
    port = free_port()
    log = (tmp_path / "run.log").open("wb")
    env = {**os.environ, "CHAT_DATA_DIR": str(tmp_path / "d"), "CHAT_REDIS_URL": "", "CHAT_PORT": str(port),
           "CHAT_QUEUE_WHEN_UNSTAFFED": "true"}
    proc = subprocess.Popen([sys.executable, "-m", "chat_server", "run", "--workers", "2"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    peers: list[Peer] = []
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                try:
                    async with http.get(url + "/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            output = (tmp_path / "run.log").read_text()
            password = output.split("password: ")[1].split()[0]
            async with http.post(url + "/api/auth/login", json={"email": "admin@example.com", "password": password}) as r:
                token = (await r.json())["token"]
        workers = subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "chat_server"], capture_output=True, text=True)
        assert len(workers.stdout.split()) == 2

        console = Peer(url, "/agent")
        peers.append(console)
        await console.connect({"token": token})
        await console.call("status:set", {"status": "online"})
        visitors = []
        for i in range(6):  # connections spread over both workers
            v = Peer(url, "/visitor")
            peers.append(v)
            await v.connect()
            visitors.append(v)
        acks = [await v.call("chat:start", {"text": f"v{i}"}) for i, v in enumerate(visitors)]
        assert all(a["ok"] for a in acks)
        assigned = [a["conversation_id"] for a in acks if a["status"] == "assigned"]
        assert len(assigned) == 3  # the manager's default capacity, never more
        for v, a in zip(visitors, acks, strict=True):
            if a["status"] == "assigned":
                await console.call("message:send", {"conversation_id": a["conversation_id"], "text": "hi", "client_id": cid()})
                await v.wait_for("message:new", lambda d: d["message"]["text"] == "hi")
    finally:
        for p in peers:
            await p.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert not (tmp_path / "d" / "redis" / "redis.sock").exists()
