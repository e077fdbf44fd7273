"""What repositories need from a database: reads, and write transactions. Drivers implement it."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any, Protocol


class Row(Protocol):
    """A result row: by position or by column name."""

    def __getitem__(self, key: int | str) -> Any: ...


class Transaction(Protocol):
    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int: ...

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None: ...

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]: ...

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Any | None: ...


class Connection(Protocol):
    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]: ...

    async def write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement, atomic and committed on its own; returns the rows it changed."""

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Any | None: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...


class Store(Connection, Protocol):
    """An open database: what repositories use, and its life cycle."""

    kind: str  # "sqlite" or "postgresql"

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...

    def chat_turn(self, channel: str, chat_id: str) -> AbstractAsyncContextManager[None]:
        """Handle one chat's message at a time across every process sharing the database."""


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
