"""Rules of user management that hold whichever screen calls them."""

from __future__ import annotations

import pytest

from toolkid.actors import Actor
from toolkid.errors import RuleViolation
from toolkid.models import OrganisationKind, Role
from toolkid.services import membership_end, user_deactivate


def actor_for(user, organisation, *roles):
    return Actor(user=user, organisation=organisation, roles=frozenset(roles))


def test_a_beheerder_cannot_end_their_own_beheerder_role(make_user, wijkteam):
    beheerder = make_user((wijkteam, Role.BEHEERDER))
    with pytest.raises(RuleViolation) as caught:
        membership_end(actor=actor_for(beheerder, wijkteam, Role.BEHEERDER),
                       membership=beheerder.memberships.get())
    assert "eigen rol als beheerder" in str(caught.value.message)
    assert beheerder.memberships.get().is_active


def test_nobody_deactivates_their_own_account(make_user, wijkteam):
    beheerder = make_user((wijkteam, Role.BEHEERDER))
    with pytest.raises(RuleViolation):
        user_deactivate(actor=actor_for(beheerder, wijkteam, Role.BEHEERDER), user=beheerder)
    beheerder.refresh_from_db()
    assert beheerder.is_active


def test_a_beheerder_cannot_switch_off_someone_who_also_works_elsewhere(
    make_user, make_organisation, wijkteam
):
    koraal = make_organisation("Koraal", OrganisationKind.JEUGDHULP)
    beheerder = make_user((wijkteam, Role.BEHEERDER))
    both = make_user((wijkteam, Role.JEUGDHULPVERLENER), (koraal, Role.JEUGDHULPVERLENER))
    with pytest.raises(RuleViolation):
        user_deactivate(actor=actor_for(beheerder, wijkteam, Role.BEHEERDER), user=both)
    both.refresh_from_db()
    assert both.is_active
    # The platform's functional administrator may.
    admin = make_user(is_functional_admin=True)
    user_deactivate(actor=Actor(user=admin), user=both)
    both.refresh_from_db()
    assert not both.is_active
