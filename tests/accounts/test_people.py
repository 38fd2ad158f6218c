import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["\x00", "Pd\x00", "x" * 5000])
def test_people_search_with_a_nul_or_a_long_query_is_answered(client, world, settings, query):
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(world.pd)
    response = client.get(reverse("people"), {"q": query})
    assert response.status_code == 200
