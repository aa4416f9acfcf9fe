"""Rate limits per client (docs/adr/0007 §7): a connected system by its own row's limits, a
browser session per user. The counters live in Django's cache, which production keeps in
Redis so that every gunicorn worker counts the same minute."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from toolkid.api.models import SystemKey

_SAFE = ("GET", "HEAD", "OPTIONS")


class _ClientThrottle(SimpleRateThrottle):
    writes = False

    def get_rate(self) -> str:
        per_minute = (
            settings.TOOLKID_API_WRITES_PER_MINUTE if self.writes else settings.TOOLKID_API_READS_PER_MINUTE
        )
        return f"{per_minute}/min"

    def allow_request(self, request, view) -> bool:
        if (request.method in _SAFE) == self.writes:
            return True
        key = request.auth if isinstance(request.auth, SystemKey) else None
        if key is not None:
            self.num_requests = key.system.writes_per_minute if self.writes else key.system.reads_per_minute
            self.duration = 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        key = request.auth if isinstance(request.auth, SystemKey) else None
        kind = "w" if self.writes else "r"
        if key is not None:
            return f"toolkid:api:rate:{kind}:system:{key.system_id}"
        if request.user is not None and getattr(request.user, "is_authenticated", False):
            return f"toolkid:api:rate:{kind}:user:{request.user.pk}"
        return None


class ClientReadThrottle(_ClientThrottle):
    scope = "lezen"


class ClientWriteThrottle(_ClientThrottle):
    scope = "schrijven"
    writes = True
