"""Schema migrations: numbered SQL files per dialect, applied in order by the store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: list[str]


def load_migrations(dialect: str) -> list[Migration]:
    folder = Path(__file__).parent / dialect
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], split_statements(path.read_text())))
    return found


def split_statements(sql: str) -> list[str]:
    """Split on ';' at line ends; our migrations keep one statement per ';'-terminated block."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";").strip()]
