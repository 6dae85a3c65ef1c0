"""Who may do what: the caller of a registry function and the rules of each role.

- administrator: everything, every centre, accounts;
- centre-editor: reads and writes the patients of their centres;
- centre-viewer: reads the patients of their centres;
- analyst: reads every centre, pseudonymised again (keyed hash, no free text);
- auditor: reads the audit trail only.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from rltcare.registry.errors import NotFoundError, PermissionDeniedError

ROLES = ("administrator", "centre-editor", "centre-viewer", "analyst", "auditor")
CLINICAL_READERS = {"administrator", "centre-editor", "centre-viewer", "analyst"}
ALL_CENTRES = {"administrator", "analyst"}


@dataclass(frozen=True)
class Caller:
    """The person (or system job) on whose behalf the registry acts."""

    username: str
    role: str
    centre_ids: frozenset[int] = frozenset()
    user_id: int | None = None

    @property
    def actor(self) -> str:
        return f"user:{self.username}" if self.user_id is not None else self.username

    @property
    def all_centres(self) -> bool:
        return self.role in ALL_CENTRES

    @property
    def pseudonymised(self) -> bool:
        return self.role == "analyst"

    def require_clinical_read(self) -> None:
        if self.role not in CLINICAL_READERS:
            raise PermissionDeniedError(f"the {self.role} role cannot read patient data")

    def require_write(self, centre_id: int) -> None:
        """Writing needs an administrator, or an editor of that centre."""
        if self.role == "administrator":
            return
        if self.role == "centre-editor" and centre_id in self.centre_ids:
            return
        if self.all_centres or centre_id in self.centre_ids:
            raise PermissionDeniedError(f"the {self.role} role cannot change patient data")
        raise NotFoundError("no such patient in your centres")

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise PermissionDeniedError(
                f"the {self.role} role cannot do this", hint=f"needs: {', '.join(roles)}"
            )


#: The registry itself (imports from the command line, demo data, migrations).
SYSTEM = Caller(username="system", role="administrator")


def analyst_key(secret: str, pseudonym: str) -> str:
    """A second pseudonym for analysts: stable per deployment, not reversible without the key."""
    digest = hmac.new(secret.encode(), pseudonym.encode(), hashlib.sha256).hexdigest()
    return f"A-{digest[:12]}"
