"""Server-side set-up for scenarios whose starting point is not itself under test, run inside
``manage.py shell`` on the e2e server's database (``Server.shell``). It goes through the
services, exactly as the views do, as the demo users (load_demo made them).

Each function prints one JSON line; ``Server.shell`` returns it parsed.
"""

from __future__ import annotations

import json
import uuid

from django.urls import NoReverseMatch, reverse

from requests.filing.draft import request_draft_create, request_draft_update
from requests.filing.services import request_submit
from requests.models import ConsentPath
from tests.requests.helpers import QUESTIONS, actor_for, children_data, complete_fields, parent_data
from toolkid.models import Organisation, User


def request_urls(public_id: uuid.UUID | str) -> dict[str, str]:
    """Every page of one request that exists in this build (the request pages are built in
    parts), by URL name."""
    urls = {}
    for name in ("requests:detail", "requests:review", "requests:step"):
        kwargs = {"public_id": public_id}
        if name == "requests:step":
            kwargs["step"] = "telefonisch-contact"
        try:
            urls[name] = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            pass
    return urls


def existing_url_names(*names: str) -> None:
    """Print which of ``names`` (argument-less URL names) exist, with their paths."""
    found = {}
    for name in names:
        try:
            found[name] = reverse(name)
        except NoReverseMatch:
            pass
    print(json.dumps(found))


def file_request(
    path: str = ConsentPath.B,
    requester: str = "jeugd.heerlen",
    receiving: str = "Mondriaan",
    parent_name: str = "Marieke Bosch",
) -> None:
    """A complete request of ``requester``'s organisation to ``receiving``, submitted."""
    user = User.objects.get(username=requester)
    actor = actor_for(user)
    receiver = Organisation.objects.get(name=receiving)
    info = request_draft_create(actor=actor)
    info = request_draft_update(
        actor=actor,
        request=info,
        fields=complete_fields(path, receiver),
        parent=parent_data(name=parent_name, bsn=""),
        children=children_data(),
        topics=[{"topic": letter, "question": QUESTIONS[letter]} for letter in ("a", "c")],
    )
    info = request_submit(actor=actor, request=info, submit_token=uuid.uuid4())
    print(
        json.dumps(
            {
                "public_id": str(info.public_id),
                "reference": info.reference,
                "status": info.status,
                "urls": request_urls(info.public_id),
            }
        )
    )
