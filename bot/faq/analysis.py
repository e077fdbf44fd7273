"""Chat text → what the model reads: folded text plus its words after chat slang and domain synonyms.

Measured on held-out questions (README, "FAQ matching"): expanding slang ("gmn" → "bagaimana") and
mapping domain synonyms ("nomor pajak" → "npwp") earn their place; typo repair and affix stripping did
not once character n-grams were in, so they are gone.
"""

from __future__ import annotations

from bot.faq.content import Content
from bot.faq.normalize import STOPWORDS, PhraseTable, fold, raw_tokens

# Words that only colour a greeting or thanks ("makasih banyak ya kak"): they make it no question.
_CHAT_FILLERS = frozenset(
    [
        *("banyak", "ya", "yaa", "kak", "sis", "gan", "min", "bang", "om", "semua", "semuanya"),
        *("juga", "lagi", "deh", "dong", "ok", "oke", "sip"),
    ]
)


# Skin tones, variation selectors and joiners change how an emoji looks, not what it says.
_EMOJI_MODIFIERS = frozenset(["\ufe0f", "\ufe0e", "\u200d", *(chr(c) for c in range(0x1F3FB, 0x1F400))])


class Analyzer:
    """Built once from content; pure functions of the text afterwards."""

    def __init__(self, content: Content) -> None:
        self._slang = PhraseTable(content.slang)
        self._synonyms = PhraseTable(content.synonyms)
        kinds = {phrase: kind for kind, phrases in content.smalltalk.items() for phrase in phrases}
        self._emoji = {
            ch: kind for phrase, kind in kinds.items() if not any(c.isalnum() for c in phrase) for ch in phrase
        }
        # small-talk phrases become one marker token each, so "terima kasih banyak" reads as thanks + filler
        self._smalltalk = PhraseTable({phrase: f"smalltalk{kind}" for phrase, kind in kinds.items()})

    def tokens(self, text: str) -> list[str]:
        """Words after slang expansion and synonym mapping."""
        return self._synonyms.apply(self._slang.apply(raw_tokens(text)))

    def model_text(self, text: str, tokens: list[str] | None = None) -> str:
        """The text the classifier sees: what was typed, folded, and its normalised words."""
        words = self.tokens(text) if tokens is None else tokens
        return f"{fold(text)} | {' '.join(words)}"

    def emoji_kind(self, text: str) -> str | None:
        """A message of nothing but listed emoji (skin tones and spaces aside), such as 🙏 or 👍👍: its kind."""
        chars = {ch for ch in text if not ch.isspace() and ch not in _EMOJI_MODIFIERS}
        kinds = {self._emoji.get(ch) for ch in chars}
        return kinds.pop() if len(kinds) == 1 and None not in kinds else None

    def smalltalk_kind(self, tokens: list[str]) -> str | None:
        """The kind of chat when the message is only greetings, thanks, goodbyes or filler; else None."""
        if not tokens:
            return "nonsense"
        marked = self._smalltalk.apply(tokens)
        kinds = {t.removeprefix("smalltalk") for t in marked if t.startswith("smalltalk")}
        rest = [t for t in marked if not t.startswith("smalltalk") and t not in STOPWORDS and t not in _CHAT_FILLERS]
        if kinds and not rest:
            return sorted(kinds)[0]
        return None
