# State only: the kinds of a request's and a reverse question's timeline steps become choices
# (requests.core.events). Choices do not reach the database, so nothing is rewritten.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requests', '0004_followup_on_delete'),
    ]

    operations = [
        migrations.AlterField(
            model_name='requestevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Concept aangemaakt'), ('draft_updated', 'Verzoek aangepast'), ('submitted', 'Verzoek ingediend'), ('resubmitted', 'Opnieuw ingediend'), ('withdrawn', 'Verzoek ingetrokken'), ('consent_path_redecided', 'Toestemmingspad opnieuw bepaald'), ('consent_revoked', 'Toestemming ingetrokken'), ('taken', 'Opgepakt door de zorgverlener'), ('assigned', 'Toegewezen aan een zorgverlener'), ('returned', 'Teruggestuurd ter herformulering'), ('parent_consulted', 'Overleg met de ouder vastgelegd'), ('internal_consulted', 'Intern overleg vastgelegd'), ('legal_advice_asked', 'Juridisch advies gevraagd'), ('legal_advice_given', 'Juridisch advies gegeven'), ('decided_provide', 'Besluit: informatie verstrekken'), ('decided_refuse', 'Besluit: informatie niet verstrekken (wacht op bevestiging)'), ('refusal_confirmed', 'Weigering bevestigd'), ('refusal_rejected', 'Weigering afgewezen door een tweede persoon'), ('refusal_contested', 'Bezwaar gemaakt tegen de weigering'), ('reconsidered', 'Besluit heroverwogen'), ('refusal_upheld', 'Weigering gehandhaafd'), ('answer_saved', 'Concept-antwoord opgeslagen'), ('answer_sent', 'Antwoord verstuurd'), ('acknowledged', 'Gelezen en afgesloten'), ('deadline_extended', 'Termijn verlengd'), ('extension_contested', 'Bezwaar gemaakt tegen de verlenging'), ('duty_done.terugkoppeling_ouder', 'Taak gedaan: Terugkoppeling aan de ouder bij het volgende contact (R27)'), ('duty_done.ouder_vertellen_contact', 'Taak gedaan: De ouder bij het volgende cliëntcontact vertellen dat er contact was met de zorgverlener (R30)'), ('duty_done.vastleggen_zorgverlener', 'Taak gedaan: Het contact en wat is verstrekt vastleggen in het ouderdossier (R31, R36)'), ('duty_done.vastleggen_aanvrager', 'Taak gedaan: Het contact en wat is verstrekt vastleggen in het eigen dossier (R36)'), ('duty_done.terugkoppeling_zorgverlener', 'Taak gedaan: Terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan en wat volgt er (R38)'), ('duty_done.ouder_informeren', 'Taak gedaan: Ouder informeren over het contact (R37)'), ('duty_skipped.terugkoppeling_ouder', 'Taak overgeslagen (R5): Terugkoppeling aan de ouder bij het volgende contact (R27)'), ('duty_skipped.ouder_vertellen_contact', 'Taak overgeslagen (R5): De ouder bij het volgende cliëntcontact vertellen dat er contact was met de zorgverlener (R30)'), ('duty_skipped.vastleggen_zorgverlener', 'Taak overgeslagen (R5): Het contact en wat is verstrekt vastleggen in het ouderdossier (R31, R36)'), ('duty_skipped.vastleggen_aanvrager', 'Taak overgeslagen (R5): Het contact en wat is verstrekt vastleggen in het eigen dossier (R36)'), ('duty_skipped.terugkoppeling_zorgverlener', 'Taak overgeslagen (R5): Terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan en wat volgt er (R38)'), ('duty_skipped.ouder_informeren', 'Taak overgeslagen (R5): Ouder informeren over het contact (R37)'), ('hold_release_proposed', 'Voorstel om de afscherming (pad C) op te heffen (R37)'), ('hold_release_agreed', 'Afscherming gezamenlijk opgeheven (R37)'), ('hold_release_declined', 'Voorstel om de afscherming op te heffen: niet akkoord'), ('hold_release_withdrawn', 'Voorstel om de afscherming op te heffen ingetrokken'), ('feedback_given', 'Terugkoppeling aan de zorgverlener gegeven (R38)'), ('secondary_use_submitted', 'Gebruik voor een ander doel voorgelegd (R28)'), ('secondary_use_agreed', 'Zorgverlener akkoord met gebruik voor een ander doel (R28)'), ('secondary_use_objected', 'Zorgverlener heeft bezwaar tegen gebruik voor een ander doel (R28)'), ('secondary_use_sent', 'Informatie voor een ander doel verstuurd (R28)'), ('secondary_use_withdrawn', 'Gebruik voor een ander doel ingetrokken'), ('filing_approved', 'Goedgekeurd als informatie voor het dossier (R28)'), ('veilig_thuis_engaged', 'Veilig Thuis ingeschakeld (R2)')], max_length=50),
        ),
        migrations.AlterField(
            model_name='reversequestionevent',
            name='kind',
            field=models.CharField(choices=[('submitted', 'Vraag ingediend'), ('answered', 'Vraag beantwoord'), ('declined', 'Vraag niet beantwoord'), ('withdrawn', 'Vraag ingetrokken'), ('acknowledged', 'Gelezen en afgesloten')], max_length=50),
        ),
    ]
