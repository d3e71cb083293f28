"""The plain programme page lists every session and poster of a workshop."""

import pytest
from django.urls import reverse

from schedule.models import Session


def test_workshop_list_links_to_the_programme(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/oppo2021/"' in response.content
    assert "Over-parameterization: Pitfalls and Opportunities" in response.text


def test_programme_lists_all_sessions_in_time_order_and_all_posters(client, seed):
    response = client.get("/oppo2021/")
    assert response.status_code == 200
    assert list(response.context["session_list"]) == list(Session.objects.filter(workshop=seed).order_by("starts_at"))
    assert len(response.context["poster_list"]) == 45
    text = response.text
    assert text.index("Opening Remarks") < text.index("Adversarial Examples in Random Deep Networks") < text.index("Closing Remarks")


def test_programme_shows_times_in_the_workshops_zone(client, seed):
    text = client.get("/oppo2021/").text
    assert '<time datetime="2021-07-24T16:00:00+00:00">09:00</time>–<time datetime="2021-07-24T16:05:00+00:00">09:05 PDT</time>' in text


def test_programme_shows_where_each_poster_stands(client, seed):
    text = client.get("/oppo2021/").text
    assert 'Spot A0 and A1, <a href="https://eventhosts.gather.town/DbHJbA5ArXpTIoap/icmloppo2021" rel="noopener">Gather.town room 1</a>' in text


def test_unknown_workshop_is_404(client, seed):
    assert client.get("/no-such-workshop/").status_code == 404


def test_text_from_the_data_is_escaped(client, make_session):
    session = make_session(title="<script>alert(1)</script>")
    text = client.get(reverse("programme", kwargs={"workshop": session.workshop.slug})).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize("scale", [1, 10])
def test_programme_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, seed, make_large_workshop, scale):
    workshop = seed if scale == 1 else make_large_workshop(sessions=17 * scale, posters=45 * scale)
    with django_assert_num_queries(6):  # workshop, sessions+rooms, speakers, posters+rooms+spotlights, spots, authors
        response = client.get(workshop.get_absolute_url())
    assert len(response.context["session_list"]) == 17 * scale
    assert len(response.context["poster_list"]) == 45 * scale
