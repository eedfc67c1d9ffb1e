"""``python -m bench run [--quick]``: the product against a bare relay, same run, same machine."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import click

from chat_server.gc_tuning import YOUNG_THRESHOLD

from . import report, runner
from .profiles import PROFILES


def _loop_runner():  # type: ignore[no-untyped-def]
    """uvloop for the load generator when installed: its CPU is the scarce resource here. Its
    collector is set as the server's is (chat_server/gc_tuning.py): with 10,000 clients the
    defaults paused it for ~1 s at a time, and a paused load generator measures itself."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    try:
        import uvloop

        return uvloop.run
    except ImportError:  # pragma: no cover
        return asyncio.run


@click.group()
def main() -> None:
    """Benchmarks for chat-server."""


@main.command()
@click.option("--quick", is_flag=True, help="Smaller counts and windows: about a minute.")
@click.option("--profile", "profile_name", type=click.Choice(sorted(PROFILES)), default=None,
              help="full (default), quick, or tiny (the smoke test's).")
@click.option("--modes", default=None, help="Product Redis modes, comma-separated: embedded,external.")
@click.option("--relays", default=None, help="Baselines, comma-separated: python,node ('' for none).")
@click.option("--scenarios", default=None, help="Subset, comma-separated: idle,throughput,assignment,drain.")
@click.option("--waiting", type=int, default=None, help="Visitors in line for the drain (full: 10,000).")
@click.option("--idle", type=int, default=None, help="Idle widgets for the memory test (full: 5,000).")
@click.option("--pairs", default=None,
              help="Saturated pair counts, comma-separated (full: 50,200; '' runs only the paced run).")
@click.option("--measure", "measure_s", type=click.FloatRange(0.5, 120), default=None,
              help="Seconds each message run is measured (full: 10 saturated, 30 paced per target).")
@click.option("--markdown", "md_path", type=click.Path(dir_okay=False), default=None, help="Write the report here.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write raw results here.")
@click.option("--no-pin", is_flag=True, help="Do not pin server and load generator to separate cores.")
@click.option("--strict", is_flag=True, help="Exit 1 when a target FAILs (default: always 0).")
@click.option("--keep", is_flag=True, help="Keep the work dir (server logs, SQLite files).")
def run(quick: bool, profile_name: str | None, modes: str | None, relays: str | None, scenarios: str | None,
        waiting: int | None, idle: int | None, pairs: str | None, measure_s: float | None, md_path: str | None,
        json_path: str | None, no_pin: bool, strict: bool, keep: bool) -> None:
    """Run every scenario against the product and the relays; print PASS/FAIL per target."""
    profile = PROFILES[profile_name or ("quick" if quick else "full")]
    if modes is not None:
        profile = profile.replace(modes=tuple(m for m in modes.split(",") if m))
    if relays is not None:
        profile = profile.replace(relays=tuple(r for r in relays.split(",") if r))
    if waiting is not None:
        profile = profile.replace(waiting=waiting)
    if idle is not None:
        profile = profile.replace(idle=idle)
    if pairs is not None:
        try:
            profile = profile.replace(pairs=tuple(int(n) for n in pairs.split(",") if n.strip()))
        except ValueError:
            raise click.BadParameter("whole numbers, comma-separated", param_hint="--pairs") from None
    if measure_s is not None:
        profile = profile.replace(measure_s=measure_s, paced_measure_s=measure_s)
    if scenarios is not None:
        profile = profile.replace(scenarios=tuple(s for s in scenarios.split(",") if s))
    workdir = Path(tempfile.mkdtemp(prefix="chat-bench-"))

    def log(line: str) -> None:
        click.echo(line, err=True)

    signal.signal(signal.SIGTERM, _interrupted)

    try:
        results = _loop_runner()(runner.run(profile, workdir, not no_pin, log))
    finally:
        if keep:
            log(f"work dir kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report.markdown(results)
    click.echo(text)
    click.echo(report.summary(results))
    if md_path:
        Path(md_path).write_text(text + "\n")
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2) + "\n")
    if strict and any(c.ok is False for c in report.checks(results)):
        sys.exit(1)


@main.command("profile")
@click.option("--scenario", type=click.Choice(["throughput", "drain"]), default="throughput")
@click.option("--seconds", type=float, default=15.0, help="How long py-spy samples.")
@click.option("--pairs", type=int, default=200, help="Pairs for the throughput scenario.")
@click.option("--waiting", type=int, default=2000, help="Visitors in line for the drain scenario.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Where the collapsed stacks go (default: a temp dir).")
def profile_cmd(scenario: str, seconds: float, pairs: int, waiting: int, out_dir: str | None) -> None:
    """Sample the product (embedded Redis) with py-spy under load; print where the time goes."""
    from .profile import profile

    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="chat-profile-"))
    out.mkdir(parents=True, exist_ok=True)
    found = _loop_runner()(profile(scenario, seconds, out, pairs, waiting))
    click.echo(f"load: {found['result']}")
    click.echo(f"collapsed stacks: {found['raw']} (feed to flamegraph.pl or speedscope)")
    for title, key in (("share of samples by package (leaf frame)", "by_package"),
                       ("self time by function", "self"), ("inclusive time by function", "inclusive")):
        click.echo(f"\n{title}:")
        for name, pct in found["profile"][key]:
            click.echo(f"  {pct:5.1f}%  {name}")


@main.command("soak")
@click.option("--visitors", type=int, default=1000, show_default=True, help="Simulated widgets.")
@click.option("--agents", type=int, default=50, show_default=True, help="Simulated consoles (capacity 3 each).")
@click.option("--minutes", type=float, default=5.0, show_default=True, help="How long they chat.")
@click.option("--redis", "redis_mode", type=click.Choice(["embedded", "external"]), default="embedded",
              show_default=True, help="external: BENCH_REDIS_URL (127.0.0.1:6379) under a unique key prefix.")
@click.option("--flat", "flat_mb_per_min", type=float, default=1.0, show_default=True,
              help="Memory counts as flat when RSS grows slower than this after warm-up (MB/min).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed for who reloads, leaves and drops.")
@click.option("--chats-within", type=float, default=None,
              help="Minutes over which first chats start (default: 75% of the run).")
@click.option("--again", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Chance a visitor starts another chat after one closed (near 1: steady churn).")
@click.option("--no-pin", is_flag=True, help="Do not pin server and load generator to separate cores.")
@click.option("--markdown", "md_path", type=click.Path(dir_okay=False), default=None, help="Write the table here.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write raw results here.")
@click.option("--strict", is_flag=True, help="Exit 1 when a check FAILs (default: always 0).")
@click.option("--keep", is_flag=True, help="Keep the work dir (server log, SQLite file).")
def soak_cmd(visitors: int, agents: int, minutes: float, redis_mode: str, flat_mb_per_min: float, seed: int,
             chats_within: float | None, again: float, no_pin: bool, md_path: str | None, json_path: str | None,
             strict: bool, keep: bool) -> None:
    """Visitors and agents chat, reload, leave and drop for minutes: nothing lost, nothing doubled,
    memory flat."""
    from . import soak

    config = soak.SoakConfig(
        visitors=visitors, agents=agents, seconds=minutes * 60, redis=redis_mode, pin=not no_pin, seed=seed,
        chats_within_s=None if chats_within is None else chats_within * 60,
        pace=dataclasses.replace(soak.Pace(), again=again),
    )
    workdir = Path(tempfile.mkdtemp(prefix="chat-soak-"))
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        result = _loop_runner()(soak.run(config, workdir, lambda line: click.echo(line, err=True)))
    finally:
        if keep:
            click.echo(f"work dir kept: {workdir}", err=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = soak.markdown(result, flat_mb_per_min)
    click.echo(text)
    if md_path:
        Path(md_path).write_text(text + "\n")
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=2) + "\n")
    if strict and not all(ok for _, ok, _ in soak.checks(result, flat_mb_per_min)):
        sys.exit(1)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through the runners' finally blocks: servers are stopped


if __name__ == "__main__":
    main()
