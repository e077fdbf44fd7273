"""What users asked that the FAQ could not answer, and their 👍/👎: for the editors."""

from __future__ import annotations

from bot.storage.connection import Connection, utc_now_iso


class FaqLog:
    def __init__(self, db: Connection) -> None:
        self.db = db

    async def record_unanswered(self, user_id: int | None, question: str, normalized: str, outcome: str) -> int:
        """Store a question the FAQ could not answer confidently; returns its row id."""
        async with self.db.transaction() as tx:
            row = await tx.fetch_one(
                "INSERT INTO unanswered (user_id, question, normalized, outcome, created_at) VALUES (?, ?, ?, ?, ?)"
                " RETURNING id",
                (user_id, question[:500], normalized[:500], outcome, utc_now_iso()),
            )
        return int(row[0]) if row else 0

    async def reject_suggestions(self, user_id: int, unanswered_id: int) -> bool:
        """The user said none of the suggested entries fit ("Bukan semuanya"): editors see it in the gaps."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE unanswered SET outcome = 'rejected' WHERE id = ? AND user_id = ? AND outcome = 'suggest'",
                (unanswered_id, user_id),
            )
        return changed > 0

    async def record_feedback(self, user_id: int, entry_id: str, helpful: bool) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO feedback (user_id, entry_id, helpful, created_at) VALUES (?, ?, ?, ?)",
                (user_id, entry_id, int(helpful), utc_now_iso()),
            )

    async def top_gaps(self, limit: int = 20) -> list[tuple[str, int, str]]:
        """Most frequent unanswered questions: (an example wording, count, last outcome)."""
        rows = await self.db.fetch_all(
            "SELECT MAX(question) AS q, COUNT(*) AS n, MAX(outcome) AS o FROM unanswered"
            " GROUP BY normalized ORDER BY n DESC, MAX(created_at) DESC LIMIT ?",
            (limit,),
        )
        return [(str(r["q"]), int(r["n"]), str(r["o"])) for r in rows]
