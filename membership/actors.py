"""Who is acting. Every use case takes an Actor; the web layer builds it from the logged-in user."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("member", "secretariat", "designer", "admin")


@dataclass(frozen=True)
class Actor:
    user_id: int
    login_id: str
    role: str
    association_id: int | None = None
    physician_id: int | None = None
    name: str = ""

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @classmethod
    def of(cls, account) -> Actor:
        return cls(
            user_id=account.id,
            login_id=account.login_id,
            role=account.role,
            association_id=account.association_id,
            physician_id=account.physician_id,
            name=account.display_name,
        )


#: The engine acting on its own (timers, service tasks with no human behind them).
SYSTEM = Actor(user_id=0, login_id="system", role="admin")
