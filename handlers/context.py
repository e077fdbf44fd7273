"""What one handler call knows: the services, the stored user and their translator."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Translator
from bot.messages import Incoming
from bot.services import Services
from bot.users import StoredUser


@dataclass(frozen=True)
class Turn:
    services: Services
    incoming: Incoming
    user: StoredUser
    t: Translator

    def _(self, message: str, **values: object) -> str:
        return self.t.gettext(message, **values)
