import datetime as dt, io
import pytest, time_machine
from zoneinfo import ZoneInfo
from django.core.management import call_command
from audit.retention import retention_run
from audit.chain import verify_chain
from requests.models import Kindcheck, ReverseQuestion, Parent, InformationRequest
from consent.models import ConsentDeclaration
from toolkid.actors import Actor

@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"

@pytest.mark.django_db
def test_everything_of_the_demo_goes_in_2080():
    call_command("load_demo", stdout=io.StringIO())
    counts = (InformationRequest.objects.count(), ReverseQuestion.objects.count(), Kindcheck.objects.count(), ConsentDeclaration.objects.count(), Parent.objects.count())
    print("demo counts", counts)
    assert counts[1] and counts[2]
    with time_machine.travel(dt.datetime(2080, 1, 1, 12, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        dry = retention_run(actor=Actor.system("t"), dry_run=True)
        real = retention_run(actor=Actor.system("t"), dry_run=False)
    print(dry.counts(), real.skipped[:3], dict(real.deleted))
    assert real.skipped == []
    assert [(i.kind, i.object_id) for i in dry.items] == [(i.kind, i.object_id) for i in real.items]
    assert not Parent.objects.exists() and not Kindcheck.objects.exists() and not ReverseQuestion.objects.exists()
    assert verify_chain().ok
