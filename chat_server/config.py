"""Settings: read once from config.toml and CHAT_* environment variables into a frozen object.

Handlers never read the environment or files; they get a ``Settings`` from the app factory.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from .departments import (
    Department,
    DepartmentConfigError,
    PriorityRule,
    parse_departments,
    parse_priority_rules,
)
from .services.survey import SurveyConfigError, SurveyQuestion, parse_question

ENV_PREFIX = "CHAT_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is unknown or has a value of the wrong type."""


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: str = "./data"
    redis_url: str = ""
    redis_prefix: str = "chat"
    database_url: str = ""
    agent_capacity: int = 3
    max_message_length: int = 4000
    max_field_length: int = 200
    allowed_origins: tuple[str, ...] = ("*",)
    default_handle_time_s: int = 300
    breathing_time_s: int = 0
    agent_disconnect_grace_s: int = 30
    process_timeout_s: int = 15
    session_ttl_hours: int = 12
    company_name: str = "Acme Support"
    default_language: str = "en"
    default_wait_minutes: int = 5
    languages: tuple[str, ...] = ("en", "ru", "sk")
    visitor_abandon_s: int = 120
    queue_when_unstaffed: bool = False
    trust_proxy: bool = False
    limit_chats_per_hour: int = 10
    limit_messages_per_minute: int = 40
    limit_logins_per_15min: int = 10
    limit_connections_per_minute: int = 120
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "support@example.com"
    departments: tuple[Department, ...] = (Department("general", "General"),)
    priority_rules: tuple[PriorityRule, ...] = ()

    def department(self, key: str | None) -> Department | None:
        """The named department; None for an unknown key. No key: the first one."""
        if not key:
            return self.departments[0]
        return next((d for d in self.departments if d.key == key), None)
    # Ratings, reports and quality review (docs/reports.md).
    rating_scale: str = "stars5"
    rating_window_hours: int = 72
    survey_question: SurveyQuestion | None = None  # the survey's optional extra question (services/survey.py)
    timezone: str = "UTC"
    dashboard_refresh_s: int = 5
    qa_sample_size: int = 5
    qa_period_days: int = 7
    qa_seed: str = "quality"
    qa_rubric: tuple[str, ...] = (
        "Greeting", "Understanding the request", "Positive language", "Solution", "Timeline given", "Summary",
    )

    def survey_question_for(self, department_key: str | None) -> SurveyQuestion | None:
        """The extra question for a department's chats: its own, none (false), or the site-wide one."""
        department = self.department(department_key) if department_key else None
        own = department.survey_question if department else None
        if own is False:
            return None
        return own if isinstance(own, SurveyQuestion) else self.survey_question

    def __post_init__(self) -> None:
        _check_database_url(self.database_url)
        _check_reporting(self)
        _check_redis(self)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(POSTGRES_SCHEMES)

    @property
    def sqlite_path(self) -> Path:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///")).expanduser().resolve()
        return self.data_path / "chat.sqlite3"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


RATING_SCALES = ("stars5", "three", "thumbs")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _check_database_url(url: str) -> None:
    """Empty (SQLite in data_dir), sqlite:///path or postgresql://user@host:port/dbname; anything else
    fails at start-up. The message never repeats a password."""
    if not url or (url.startswith("sqlite:///") and len(url) > len("sqlite:///")):
        return
    shown = re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)
    if url.startswith(POSTGRES_SCHEMES):
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError as exc:
            raise ConfigError(f"database_url {shown!r} is not a valid PostgreSQL URL: {exc}") from None
        if parts.path.strip("/") == "" or "/" in parts.path.strip("/"):
            raise ConfigError(
                f"database_url {shown!r} must name one database: postgresql://user@host:5432/dbname"
            )
        return
    raise ConfigError(
        f"database_url {shown!r} is not supported: leave it empty for SQLite in data_dir, or use"
        " sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:5432/dbname"
    )


def _check_reporting(s: Settings) -> None:
    """Fail at start-up, not on the first report, when a reporting setting cannot work."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if s.rating_scale not in RATING_SCALES:
        raise ConfigError(f"rating_scale must be one of {', '.join(RATING_SCALES)}, not {s.rating_scale!r}")
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {s.timezone!r} is not a known Area/City time zone") from None
    for name in ("rating_window_hours", "dashboard_refresh_s", "qa_sample_size", "qa_period_days"):
        if getattr(s, name) < 1:
            raise ConfigError(f"setting {name!r} must be at least 1")
    if not s.qa_rubric or len(set(s.qa_rubric)) != len(s.qa_rubric):
        raise ConfigError("qa_rubric must list at least one criterion, each once")


def _check_redis(s: Settings) -> None:
    """A Redis URL no connection could use fails at start-up with what was expected; a process
    timeout shorter than a few heartbeats would declare live processes dead."""
    from .redis_backend.connect import RedisUrlError, check_redis_url

    if s.process_timeout_s < 5:
        raise ConfigError("setting 'process_timeout_s' must be at least 5 (heartbeats come every 2 s)")
    try:
        check_redis_url(s.redis_url)
    except RedisUrlError as exc:
        raise ConfigError(str(exc)) from None


def _field_types() -> dict[str, Any]:
    hints = get_type_hints(Settings)
    return {f.name: hints[f.name] for f in dataclasses.fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    types = _field_types()
    if name not in types:
        raise ConfigError(f"unknown setting {name!r}")
    kind = types[name]
    try:
        if name == "departments":
            return value if isinstance(value, tuple) else parse_departments(value)
        if name == "priority_rules":
            return value if isinstance(value, tuple) else parse_priority_rules(value)
        if name == "survey_question":
            return value if isinstance(value, SurveyQuestion) else parse_question(value)
        if kind is bool:
            if isinstance(value, str) and value.lower() in ("1", "true", "yes", "0", "false", "no"):
                return value.lower() in ("1", "true", "yes")
            if not isinstance(value, bool):
                raise TypeError
            return value
        if kind is int:
            if isinstance(value, bool):
                raise TypeError
            return int(value)
        if kind is str:
            if not isinstance(value, str):
                raise TypeError
            return value
        if kind == tuple[str, ...]:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise TypeError
            return tuple(value)
    except (DepartmentConfigError, SurveyConfigError) as exc:
        raise ConfigError(str(exc)) from None
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name!r} has an invalid value {value!r}") from None
    raise ConfigError(f"setting {name!r} has an unsupported type")  # pragma: no cover


def load_settings(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Defaults < config file < CHAT_* environment < explicit overrides (CLI flags, tests)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    config_path = Path(path) if path else PROJECT_ROOT / "config.toml"
    if path and not config_path.exists():
        raise ConfigError(f"config file {config_path} does not exist")
    if config_path.exists():
        with config_path.open("rb") as fh:
            for key, value in tomllib.load(fh).items():
                values[key] = _coerce(key, value)
    fields = _field_types()
    for key, value in env.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name in fields and name not in ("departments", "priority_rules", "survey_question"):
                values[name] = _coerce(name, value)
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value)
    return Settings(**values)
