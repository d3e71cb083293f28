"""Hand edits survive a re-import: what an organizer changed in the admin since the last import is kept and
reported, as a conflict where the file changed it too, unless --prefer-file."""

import datetime

from schedule.models import Session, SessionSpeaker, Speaker
from tests.test_load_workshop import load, retitled, seed_items, write

TALK = "adversarial-examples-in-random-deep-networks"
UTC = datetime.timezone.utc


def at(hour, minute):
    return datetime.datetime(2021, 7, 24, hour, minute, tzinfo=UTC)


def talk():
    return Session.objects.get(slug=TALK)


def fix_title_by_hand(title="Adversarial Examples (fixed)"):
    session = talk()
    session.title = title
    session.save()  # as the admin saves it


def move_by_hand():
    session = talk()
    session.starts_at = at(16, 10)
    session.save()


def moved_in_file(items, hour, minute):
    for item in items:
        if item["model"] == "schedule.session" and item["fields"]["slug"] == TALK:
            item["fields"]["starts_at"] = f"2021-07-24T{hour:02}:{minute:02}:00Z"
    return items


def add_speaker_by_hand():
    speaker = Speaker.objects.exclude(sessionspeaker_entries__session__slug=TALK).order_by("slug").first()
    SessionSpeaker.objects.create(session=talk(), speaker=speaker, position=5)
    return speaker


def test_a_title_fixed_by_hand_survives_an_unchanged_file(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    fix_title_by_hand()
    out, _ = load("fixtures/oppo2021.json")
    assert talk().title == "Adversarial Examples (fixed)"
    assert (
        f'  kept hand edit: oppo2021/{TALK} title "Adversarial Examples (fixed)" '
        '(file: "Adversarial Examples in Random Deep Networks")' in out
    )
    assert "conflict" not in out
    out, _ = load("fixtures/oppo2021.json")  # and again: still the organizer's
    assert talk().title == "Adversarial Examples (fixed)" and "kept hand edit" in out


def test_a_title_fixed_by_hand_and_changed_in_the_file_is_a_conflict_the_hand_edit_wins(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    fix_title_by_hand()
    out, _ = load(write(tmp_path, retitled(seed_items(), TALK, "Adversarial Examples, New")))
    assert talk().title == "Adversarial Examples (fixed)"
    assert (
        f'  conflict: oppo2021/{TALK} title: edited by hand to "Adversarial Examples (fixed)", the file changes it '
        'from "Adversarial Examples in Random Deep Networks" to "Adversarial Examples, New"; kept' in out
    )


def test_prefer_file_replaces_a_title_fixed_by_hand(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    fix_title_by_hand()
    out, _ = load(write(tmp_path, retitled(seed_items(), TALK, "Adversarial Examples, New")), prefer_file=True)
    assert talk().title == "Adversarial Examples, New"
    assert "the file's value replaces it" in out
    fix_title_by_hand()
    load("fixtures/oppo2021.json", prefer_file=True)  # an unchanged file wins too
    assert talk().title == "Adversarial Examples in Random Deep Networks"


def test_a_talk_moved_by_hand_survives_an_unchanged_file(empty_db):
    load("fixtures/oppo2021.json")
    move_by_hand()
    out, _ = load("fixtures/oppo2021.json")
    assert talk().starts_at == at(16, 10)
    assert f'kept hand edit: oppo2021/{TALK} starts_at "2021-07-24T16:10:00Z" (file: "2021-07-24T16:05:00Z")' in out


def test_a_talk_moved_by_hand_and_in_the_file_is_a_conflict(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    move_by_hand()
    path = write(tmp_path, moved_in_file(seed_items(), 16, 7))
    out, _ = load(path)
    assert talk().starts_at == at(16, 10)
    assert f"conflict: oppo2021/{TALK} starts_at: edited by hand to \"2021-07-24T16:10:00Z\"" in out
    assert 'to "2021-07-24T16:07:00Z"; kept' in out
    load(path, prefer_file=True)
    assert talk().starts_at == at(16, 7)


def test_a_speaker_added_by_hand_survives_a_reload_even_with_prune(empty_db, tmp_path):
    load("fixtures/oppo2021.json")
    speaker = add_speaker_by_hand()
    out, _ = load("fixtures/oppo2021.json", prune=True)
    assert talk().session_speakers.filter(speaker=speaker).exists()
    assert f"  added by hand, kept: oppo2021/{TALK}/{speaker.slug}" in out
    # A file that changes the talk's list of speakers keeps the hand addition too.
    items = seed_items()
    other = Speaker.objects.exclude(pk=speaker.pk).exclude(sessionspeaker_entries__session__slug=TALK)
    other = other.order_by("-slug").first()
    items.append({"model": "schedule.sessionspeaker",
                  "fields": {"session": ["oppo2021", TALK], "speaker": [other.slug], "position": 1}})
    out, _ = load(write(tmp_path, items), prune=True)
    assert set(talk().session_speakers.values_list("speaker__slug", flat=True)) >= {speaker.slug, other.slug}
    assert f"  added by hand, kept: oppo2021/{TALK}/{speaker.slug}" in out


def test_prefer_file_with_prune_removes_a_speaker_added_by_hand(empty_db):
    load("fixtures/oppo2021.json")
    speaker = add_speaker_by_hand()
    out, _ = load("fixtures/oppo2021.json", prune=True, prefer_file=True)
    assert not talk().session_speakers.filter(speaker=speaker).exists()
    assert f"no longer in the file, deleted: oppo2021/{TALK}/{speaker.slug}" in out
