"""Scoring the engine on labelled questions (`expected_id<TAB>question`, `-` for out of scope)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.faq.engine import FaqEngine, Match

SLANG_MARKERS = frozenset(["gmn", "brp", "tp", "yg", "bs", "dgn", "udh", "blm", "sy"])
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Case:
    expected: str | None
    question: str
    kind: str = ""  # optional third column: plain, slang, near (a near-miss out of scope), oos

    @property
    def slangy(self) -> bool:
        if self.kind:
            return self.kind == "slang"
        return bool(SLANG_MARKERS & set(_WORD.findall(self.question.lower())))


@dataclass
class Report:
    total: int = 0
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    oos: int = 0
    oos_declined: int = 0
    confidently_wrong: int = 0
    slang: int = 0
    slang_top1: int = 0
    near: int = 0  # out-of-scope questions marked as near misses (they share words with the topics)
    near_declined: int = 0
    misses: list[tuple[Case, Match]] = field(default_factory=list)

    @staticmethod
    def _ratio(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    def figures(self) -> list[str]:
        r = self._ratio
        out = [
            f"questions: {self.total} ({self.in_scope} in scope, {self.oos} out of scope)",
            f"top-1: {r(self.top1, self.in_scope):.3f} ({self.top1}/{self.in_scope})",
            f"top-3: {r(self.top3, self.in_scope):.3f} ({self.top3}/{self.in_scope})",
            f"out-of-scope declined: {r(self.oos_declined, self.oos):.3f} ({self.oos_declined}/{self.oos})",
            f"confidently-wrong: {r(self.confidently_wrong, self.total):.3f} ({self.confidently_wrong}/{self.total})",
            f"slang top-1: {r(self.slang_top1, self.slang):.3f} ({self.slang_top1}/{self.slang})",
        ]
        if self.near:
            out.append(f"near-miss declined: {r(self.near_declined, self.near):.3f} ({self.near_declined}/{self.near})")
        return out

    def confusions(self) -> list[tuple[str, str, int]]:
        """Which entry answered instead of which (expected, answered, count), most frequent first.

        Out-of-scope questions answered with an entry count under expected '-'; they show which
        entries pull in questions they should leave alone.
        """
        pairs = Counter(
            (case.expected or "-", match.entry_id)
            for case, match in self.misses
            if match.confident and match.entry_id is not None and match.entry_id != case.expected
        )
        return [(expected, got, n) for (expected, got), n in pairs.most_common()]

    def lines(self) -> list[str]:
        out = self.figures()
        confusions = self.confusions()
        if confusions:
            out.append("confusions (expected -> answered instead):")
            out.extend(f"  {n:3d}  {expected} -> {got}" for expected, got, n in confusions)
        if self.misses:
            out.append("misses:")
            for case, match in self.misses:
                shown = [match.entry_id or "-", *match.suggestions]
                out.append(
                    f"  expected {case.expected or '-'} | got {match.outcome} {' '.join(shown)} "
                    f"({match.score:.2f}) | {case.question}"
                )
        return out


def read_cases(path: Path) -> list[Case]:
    """Read the TSV (`id<TAB>question[<TAB>kind]`); a header line starting with `expected_id` is skipped."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or (number == 1 and line.startswith("expected_id")):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3):
            raise ValueError(f"{path}: line {number}: expected 'id<TAB>question' or 'id<TAB>question<TAB>kind'")
        expected = fields[0].strip()
        kind = fields[2].strip() if len(fields) == 3 else ""
        cases.append(Case(None if expected in ("-", "") else expected, fields[1].strip(), kind))
    return cases


def evaluate(engine: FaqEngine, cases: list[Case]) -> Report:
    """Score every case; an expected id that was retired counts as the entry it now redirects to."""
    report = Report()
    content = engine.content
    for case in cases:
        if case.expected is not None:
            case = Case(content.canonical_id(case.expected), case.question, case.kind)
        match = engine.match(case.question)
        report.total += 1
        candidates = [match.entry_id, *match.suggestions][:3] if match.entry_id else []
        if case.expected is None:
            report.oos += 1
            report.near += case.kind == "near"
            if match.confident:
                report.confidently_wrong += 1
                report.misses.append((case, match))
            else:
                report.oos_declined += 1
                report.near_declined += case.kind == "near"
            continue
        report.in_scope += 1
        hit = match.confident and match.entry_id == case.expected
        report.top1 += hit
        report.top3 += case.expected in candidates
        if case.slangy:
            report.slang += 1
            report.slang_top1 += hit
        if match.confident and match.entry_id != case.expected:
            report.confidently_wrong += 1
        if not hit:
            report.misses.append((case, match))
    return report
