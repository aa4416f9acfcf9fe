"""Who is acting: the user, the organisation they act for, and their roles there.

Every service takes ``actor=``; the audit trail records all of it (L5: user, role,
organisation acted for, access point).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkid.models import Organisation, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    organisation: Organisation | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    ip_address: str | None = None
    # Set for the background worker and management commands, which act for no one.
    system_name: str = ""
    # The access point besides the IP address: "api:<system>" for a connected system's call
    # (docs/adr/0007 §2); empty for the browser. The audit trail records it as "via".
    client: str = ""

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(user=None, system_name=name)

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def is_functional_admin(self) -> bool:
        return bool(self.user and self.user.is_functional_admin)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_label(self) -> str:
        """The roles as one string for the audit trail (sorted for stable output)."""
        if self.is_system:
            return "systeem"
        labels = sorted(self.roles)
        if self.is_functional_admin:
            labels.append("functioneel_beheerder")
        return ",".join(labels)

    def __str__(self) -> str:
        if self.is_system:
            return f"systeem:{self.system_name}"
        org = self.organisation.name if self.organisation else "-"
        return f"{self.user.get_username()} @ {org}"
