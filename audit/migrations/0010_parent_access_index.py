from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The parent access page's keyset pages (R41, issue 11): (parent_ref, occurred_at, seq)
    serves one parent's events, the cursor and the order as one index range. It replaces the
    index on parent_ref alone (and its LIKE twin on PostgreSQL; nothing searches a prefix of a
    reference), its prefix; it is built first, so no moment goes without one."""

    dependencies = [
        ('audit', '0009_audit_list_indexes'),
        ('toolkid', '0007_notification_page_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['parent_ref', 'occurred_at', 'seq'], name='audit_event_parent_time_idx'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='parent_ref',
            field=models.CharField(blank=True, max_length=100, verbose_name='betrokken ouder'),
        ),
    ]
