"""``/api/v1/verzoeken``: one path, one view. GET lists (scope verzoeken:lezen), POST files a
draft (scope verzoeken:schrijven); each method is the read or write side's own code."""

from __future__ import annotations

from requests.api.filing import FileRequest
from requests.api.views import RequestList
from toolkid.api.models import Scope


class RequestCollection(RequestList):
    post = FileRequest.post

    @property
    def required_scopes(self) -> tuple[str, ...]:
        if self.request.method == "POST":
            return (Scope.REQUESTS_WRITE,)
        return (Scope.REQUESTS_READ,)
