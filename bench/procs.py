"""Starting servers as child processes, pinning them to a core, and reading their RSS and CPU."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Pinning:
    """Which cores the server and the load generator get (None: leave to the scheduler)."""

    server: str | None
    load: set[int] | None

    @classmethod
    def detect(cls, enabled: bool = True) -> Pinning:
        cores = sorted(os.sched_getaffinity(0))
        if not enabled or len(cores) < 2 or shutil.which("taskset") is None:
            return cls(None, None)
        return cls(str(cores[0]), {cores[1]})

    def describe(self) -> str:
        if self.server is None:
            return "not pinned"
        return f"server on core {self.server}, load generator on core {min(self.load or {0})}"

    def pin_load_generator(self) -> None:
        if self.load is not None:
            os.sched_setaffinity(0, self.load)

    def prefix(self) -> list[str]:
        return ["taskset", "-c", self.server] if self.server is not None else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


@dataclass
class Server:
    """A server child process and the log it writes."""

    name: str
    argv: list[str]
    port: int
    env: dict[str, str]
    cwd: Path
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    _log: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = 60) -> None:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,  # type: ignore[arg-type]
        )
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    async with http.get(self.url + "/", timeout=aiohttp.ClientTimeout(total=2)):
                        return  # any HTTP answer means the listener is up
                except (TimeoutError, aiohttp.ClientError):
                    await asyncio.sleep(0.1)
        tail = self.log_path.read_text(errors="replace")[-2000:]
        await self.stop()
        raise RuntimeError(f"{self.name} did not start; log tail:\n{tail}")

    async def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                await asyncio.to_thread(self.proc.wait, 30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                await asyncio.to_thread(self.proc.wait, 5)
        if self._log is not None:
            self._log.close()  # type: ignore[attr-defined]
            self._log = None
