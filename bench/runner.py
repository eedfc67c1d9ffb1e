"""Runs every scenario against every target in one go, on one machine, and collects the numbers."""

from __future__ import annotations

import asyncio
import datetime
import importlib.metadata
import os
import platform
import resource
import subprocess
import sys
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from . import load, queueing
from .procs import Pinning
from .profiles import Profile
from .targets import EXTERNAL_REDIS, REPO, NodeRelay, Product, PythonRelay, Target

Log = Callable[[str], None]


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def _scenario(log: Log, label: str, fn: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """One failing scenario is recorded, not fatal: the rest of the run still tells something."""
    log(f"  {label} ...")
    try:
        result = await fn()
    except Exception as exc:
        log(f"  {label} FAILED: {exc!r}")
        log(traceback.format_exc(limit=4))
        return {"error": repr(exc)}
    log(f"  {label}: {result}")
    return result


async def run_target(target: Target, profile: Profile, log: Log) -> dict[str, Any]:
    log(f"{target.name}: starting")
    await target.start()
    out: dict[str, Any] = {}
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    try:
        async with aiohttp.ClientSession(connector=connector) as http:
            if "idle" in profile.scenarios:
                out["idle"] = await _scenario(
                    log, f"{profile.idle} idle widgets",
                    lambda: load.idle(target, http, profile.idle, profile.idle_concurrency, profile.settle_s),
                )
            out["throughput"] = {}
            for n in profile.pairs if "throughput" in profile.scenarios else ():
                out["throughput"][str(n)] = await _scenario(
                    log, f"{n} pairs",
                    lambda n=n: load.throughput(target, http, n, profile.per_agent, profile.warmup_s,  # type: ignore[misc]
                                                profile.measure_s),
                )
            if isinstance(target, Product) and "assignment" in profile.scenarios:
                out["assignment"] = await _scenario(
                    log, "assignment latency",
                    lambda: queueing.assignment_latency(target, http, profile.assign_agents,
                                                        profile.assign_visitors, profile.assign_s),
                )
            if isinstance(target, Product) and "drain" in profile.scenarios and \
                    target.redis_mode in profile.drain_modes:
                out["drain"] = await _scenario(
                    log, f"drain with {profile.waiting} waiting",
                    lambda: queueing.drain(target, http, profile.waiting, profile.drain_agents,
                                           profile.drain_max_s),
                )
    finally:
        await target.stop()
    return out


async def run_paced(targets: list[tuple[str, Target]], profile: Profile, into: dict[str, Any], log: Log) -> None:
    """Every target's unsaturated latency run, on fresh servers running side by side and taking
    turns (load.paced_in_turns); stored as each target's ``paced``."""
    n, rate = profile.paced_pairs, profile.paced_rate
    started: list[tuple[str, Target]] = []
    try:
        for key, target in targets:
            log(f"{target.name}: starting for the paced run")
            try:
                await target.start()
                started.append((key, target))
            except Exception as exc:  # noqa: BLE001 - the other targets still run
                log(f"{target.name} FAILED to start: {exc!r}")
                into.setdefault(key, {"name": target.name})["paced"] = {"error": repr(exc)}
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        async with aiohttp.ClientSession(connector=connector) as http:
            found = await _scenario(
                log, f"{n} pairs at {rate:g} msg/s per side, targets taking turns every {profile.paced_slice_s:g} s",
                lambda: load.paced_in_turns(started, http, n, profile.per_agent, profile.warmup_s,
                                            profile.paced_measure_s, rate, profile.paced_slice_s),
            )
        for key, target in started:
            # found: one result per target, or the one error that stopped them all
            into.setdefault(key, {"name": target.name})["paced"] = found.get(key, found)
    finally:
        for _, target in started:
            await target.stop()


async def run(profile: Profile, workdir: Path, pin: bool, log: Log) -> dict[str, Any]:
    raise_fd_limit()
    pinning = Pinning.detect(pin)
    pinning.pin_load_generator()
    results: dict[str, Any] = {"profile": profile.name, "pinning": pinning.describe(), "targets": {},
                               "skipped": {}, "loadavg_before": os.getloadavg()[0]}
    node = False
    if "node" in profile.relays:
        why = await asyncio.to_thread(NodeRelay.install)
        node = why is None
        if why is not None:
            results["skipped"]["relay-node"] = why
            log(f"node relay skipped: {why}")

    def targets_in(folder: Path) -> list[tuple[str, Target]]:
        made: list[tuple[str, Target]] = []
        if "python" in profile.relays:
            made.append(("relay-python", PythonRelay(folder, pinning)))
        for mode in profile.modes:
            made.append((f"product-{mode}", Product(folder, pinning, mode, profile.agents, profile.capacity)))
        if node:
            made.append(("relay-node", NodeRelay(folder, pinning)))
        return made

    for key, target in targets_in(workdir):  # one after another
        try:
            results["targets"][key] = {"name": target.name, **await run_target(target, profile, log)}
        except Exception as exc:
            log(f"{target.name} FAILED: {exc!r}")
            results["targets"][key] = {"name": target.name, "error": repr(exc)}
    if "throughput" in profile.scenarios and profile.paced_pairs:
        (workdir / "paced").mkdir(exist_ok=True)
        await run_paced(targets_in(workdir / "paced"), profile, results["targets"], log)
    results["meta"] = await machine(profile, "relay-node" in results["targets"])
    results["loadavg_after"] = os.getloadavg()[0]
    return results


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


async def _redis_versions() -> dict[str, str]:
    import redis.asyncio as aioredis

    from chat_server.redis_backend.embedded import redis_executable

    out = {}
    try:
        client = aioredis.from_url(EXTERNAL_REDIS)
        out["external"] = (await client.info("server"))["redis_version"]
        await client.aclose()
    except Exception as exc:  # pragma: no cover
        out["external"] = f"unreachable ({exc.__class__.__name__})"
    try:
        text = subprocess.run([redis_executable(), "--version"], capture_output=True, text=True, timeout=10, check=False).stdout
        out["embedded"] = text.split("v=", 1)[1].split()[0]
    except Exception:  # pragma: no cover
        out["embedded"] = "unknown"
    return out


async def machine(profile: Profile, node: bool) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "aiohttp": _version("aiohttp"),
        "python-socketio": _version("python-socketio"),
        "python-engineio": _version("python-engineio"),
        "redis-py": _version("redis"),
        "uvloop": _version("uvloop"),
        "orjson": _version("orjson"),
        "redis_server": await _redis_versions(),
        "node": NodeRelay.version() if node else "skipped",
        "commit": commit.stdout.strip() or "unknown",
        "argv": " ".join(sys.argv[1:]),
    }
