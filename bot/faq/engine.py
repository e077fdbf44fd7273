"""Matching a question to the FAQ: small talk, then the learned model, then the decision.

`FaqEngine.match(question) -> Match` is the whole interface; it does no I/O. The pieces are separate
modules: analysis (slang, synonyms, small talk), features (character and word n-grams), model (the
classifier with an explicit out-of-scope class), calibration (thresholds by cross-validation) and
decision (answer, "maksud kamu…?" or decline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.faq.analysis import Analyzer
from bot.faq.content import Content, FaqEntry
from bot.faq.decision import Calibration, Decision, decide, probabilities
from bot.faq.model import OUT_OF_SCOPE
from bot.faq.training import TrainedModel, build_model

Outcome = Literal["answer", "suggest", "decline", "smalltalk"]
# A message this long is often a voice-note style story with the question at the end.
LONG_MESSAGE_WORDS = 25
TAIL_WORDS = 12  # without sentence marks, the last words are read on their own
_SENTENCE_END = re.compile(r"(?<=[.?!\n])\s+")


@dataclass(frozen=True)
class Match:
    """What the bot would do with one question."""

    question: str
    outcome: Outcome
    entry_id: str | None
    score: float  # the probability of the best entry (0 for small talk)
    suggestions: tuple[str, ...] = ()
    smalltalk: str | None = None
    normalized: str = ""

    @property
    def confident(self) -> bool:
        return self.outcome == "answer"


class FaqEngine:
    """Built once from content and a trained model (training.py, cached by cache.py)."""

    def __init__(self, content: Content, model: TrainedModel | None = None, calibration: Calibration | None = None):
        self.content = content
        self.entries: tuple[FaqEntry, ...] = content.entries
        self.analyzer = Analyzer(content)
        self.model = model if model is not None else build_model(content, self.analyzer)
        self.calibration = calibration or self.model.calibration
        classes = self.model.linear.classes
        self._oos = classes.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in classes else -1
        self._classes = classes

    def match(self, question: str) -> Match:
        tokens = self.analyzer.tokens(question)
        normalized = " ".join(tokens)
        kind = self.analyzer.emoji_kind(question) or self.analyzer.smalltalk_kind(tokens)
        if kind is not None:
            return Match(question, "smalltalk", None, 0.0, smalltalk=kind, normalized=normalized)
        decision = self._decide(self.analyzer.model_text(question, tokens))
        if len(tokens) >= LONG_MESSAGE_WORDS and decision.outcome != "answer":
            # "halo kak, aku ibu rumah tangga ... nah mau tanya, ...?": the story drowns the question,
            # so its last sentences (or last words) are read on their own as well; the clearer reading wins
            for part in self._question_parts(question):
                alternative = self._decide(self.analyzer.model_text(part))
                if _rank(alternative) > _rank(decision):
                    decision = alternative
        if decision.best is None:
            return Match(question, "decline", None, round(decision.probability, 4), normalized=normalized)
        return Match(
            question,
            decision.outcome,
            self._classes[decision.best],
            round(decision.probability, 4),
            tuple(self._classes[i] for i in decision.others),
            normalized=normalized,
        )

    def probabilities_of(self, question: str) -> dict[str, float]:
        """Every class's probability for a question (for editors and tests); `-` is out of scope."""
        indices, values = self.model.features.vector(self.analyzer.model_text(question))
        probs = probabilities(self.model.linear.scores(indices, values), self.calibration.temperature)
        return {c: float(p) for c, p in zip(self._classes, probs, strict=True)}

    def _decide(self, text: str) -> Decision:
        indices, values = self.model.features.vector(text)
        probs = probabilities(self.model.linear.scores(indices, values), self.calibration.temperature)
        return decide(probs, self._oos, self.calibration)

    @staticmethod
    def _question_parts(question: str) -> list[str]:
        """Where people usually put the actual question: the last two sentences, and the last words."""
        parts = []
        sentences = [s for s in _SENTENCE_END.split(question.strip()) if s.strip()]
        if len(sentences) > 2:
            parts.append(" ".join(sentences[-2:]))
        words = question.split()
        if len(words) > TAIL_WORDS:
            parts.append(" ".join(words[-TAIL_WORDS:]))
        return parts


def _rank(decision: Decision) -> tuple[int, float]:
    order = {"decline": 0, "suggest": 1, "answer": 2}
    return order[decision.outcome], decision.probability
