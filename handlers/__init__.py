"""The conversation: what Kawan says to what. Channel-neutral: never imports a chat library."""

from handlers.router import Conversation

__all__ = ["Conversation"]
