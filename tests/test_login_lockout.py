"""Failed logins lock one username from one client address; behind the proxy the client is read from
X-Forwarded-For, and only when the proxy (settings.TRUSTED_PROXIES) sent it."""

import io
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from .test_production import ROOT, production_environment

PASSWORD = "a-long-organizer-password"
PROXY = "127.0.0.1"
ATTACKER = "203.0.113.66"
ORGANIZER_HOME = "198.51.100.7"


@pytest.fixture
def organizer(django_user_model):
    return django_user_model.objects.create_user("organizer", password=PASSWORD, is_staff=True)


def log_in(username, password, peer=PROXY, forwarded_for=None):
    """A fresh browser each time, as an attacker's script would be: nothing carried over in cookies."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return Client(REMOTE_ADDR=peer, headers=headers).post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def fail_five_times(settings, username, **where):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(username, "wrong", **where)


def test_wrong_passwords_under_made_up_names_lock_no_real_organizer(db, organizer, settings):
    for n in range(settings.AXES_FAILURE_LIMIT * 2):
        log_in(f"nobody-{n}", "wrong", forwarded_for=ATTACKER)
    assert log_in("organizer", PASSWORD, forwarded_for=ORGANIZER_HOME).status_code == 302
    # Even the attacker's own address may still be used by the organizer: only the pair is locked.
    assert log_in("organizer", PASSWORD, forwarded_for=ATTACKER).status_code == 302


def test_made_up_names_straight_from_the_proxy_lock_no_real_organizer(db, organizer, settings):
    for n in range(settings.AXES_FAILURE_LIMIT * 2):
        log_in(f"nobody-{n}", "wrong")
    assert log_in("organizer", PASSWORD).status_code == 302


def test_wrong_passwords_lock_that_user_at_that_address_but_not_from_another(db, organizer, settings):
    fail_five_times(settings, "organizer", forwarded_for=ATTACKER)
    locked = log_in("organizer", PASSWORD, forwarded_for=ATTACKER)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert log_in("organizer", PASSWORD, forwarded_for=ORGANIZER_HOME).status_code == 302


def test_a_client_naming_another_address_through_the_proxy_still_counts_under_its_own(db, organizer, settings):
    # The proxy appends the address it sees; whatever the client wrote in front of it is not believed.
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in("organizer", "wrong", forwarded_for=f"192.0.2.{n}, {ATTACKER}")
    assert log_in("organizer", PASSWORD, forwarded_for=f"192.0.2.99, {ATTACKER}").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_lock(db, organizer, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in("organizer", "wrong", peer=ATTACKER, forwarded_for=f"192.0.2.{n}")
    assert log_in("organizer", PASSWORD, peer=ATTACKER, forwarded_for="192.0.2.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Nor can such a peer pass itself off as someone else, or as the proxy, to lock them out.
    assert log_in("organizer", PASSWORD, forwarded_for=ORGANIZER_HOME).status_code == 302


def test_a_proxy_elsewhere_is_trusted_once_named_and_the_hops_behind_it_too(db, organizer, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # A load balancer (10.0.0.5) in front of the TLS proxy (10.1.2.3): the client is the entry before both.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("organizer", "wrong", peer="10.1.2.3", forwarded_for=f"{ATTACKER}, 10.0.0.5")
    assert log_in("organizer", PASSWORD, peer="10.1.2.3", forwarded_for=f"{ATTACKER}, 10.0.0.5").status_code == 429
    assert log_in("organizer", PASSWORD, peer="10.1.2.3", forwarded_for=f"{ORGANIZER_HOME}, 10.0.0.5").status_code == 302
    # 127.0.0.1 is no longer the proxy: its X-Forwarded-For names no one.
    assert log_in("organizer", PASSWORD, forwarded_for=ATTACKER).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_the_readme_command_unlocks_one_account(db, organizer, settings, django_user_model):
    django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)
    fail_five_times(settings, "organizer", forwarded_for=ATTACKER)
    fail_five_times(settings, "other", forwarded_for=ATTACKER)
    readme = (ROOT / "README.md").read_text()
    assert "manage.py axes_reset_username organizer" in readme
    output = io.StringIO()
    call_command("axes_reset_username", "organizer", stdout=output)
    assert "attempts removed" in output.getvalue()
    assert log_in("organizer", PASSWORD, forwarded_for=ATTACKER).status_code == 302
    assert log_in("other", PASSWORD, forwarded_for=ATTACKER).status_code == 429


@pytest.mark.parametrize("value", ["*", "10.0.0.0/33", "proxy.example.org"])
def test_a_trusted_proxy_that_is_not_an_address_is_refused_in_one_line(value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=production_environment(DJANGO_TRUSTED_PROXIES=value),
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert f"DJANGO_TRUSTED_PROXIES: “{value}” is not an IP address or network." in result.stderr
