"""Who acts in a service (issue 14.5): a login, or a staff row with its login.

Services of the domain apps take `actor: Actor` when they also accept a staff row (they turn it into the
User with `core.service_kit.as_user`), `actor: User` otherwise; `| None` where the system acts.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import User

from estates.models import Staff

Actor: TypeAlias = User | Staff
