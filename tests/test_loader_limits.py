"""The loader's limits: what is not a regular file, a file too large, nesting too deep, text too long and a flood of
problems each end in one clear line (or a capped list), never a traceback, a hang or the machine's memory."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from posters.models import Poster
from schedule.models import LONG_TEXT_LENGTH, Session, Workshop
from tests.conftest import ROOT
from workshop.importers.files import MAX_DEPTH, MB
from workshop.loading import LISTED_PROBLEMS

from .test_load_workshop import row_counts, session_item, write


def refusal(path, **options):
    """The CommandError's line and what went to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_workshop", str(path), stdout=StringIO(), stderr=err, **options)
    return str(raised.value), err.getvalue()


def run_command(*args, timeout=60):
    """manage.py load_workshop in a process of its own: a hang or a flood of memory is the test failing, not the
    suite stopping."""
    return subprocess.run(
        [sys.executable, "manage.py", "load_workshop", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def one_clear_line(result, expected):
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


# What is not a regular file ---------------------------------------------------------------------------------


def test_a_named_pipe_is_refused_at_once_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "programme.json"
    os.mkfifo(pipe)
    one_clear_line(run_command(str(pipe)), "programme.json: is a named pipe, not a regular file")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_dev_zero_is_refused_before_a_byte_is_read(tmp_path):
    one_clear_line(run_command("/dev/zero"), "/dev/zero: is a character device, not a regular file")
    link = tmp_path / "programme.json"
    link.symlink_to("/dev/zero")
    one_clear_line(run_command(str(link)), "programme.json: is a character device, not a regular file")


def test_a_folder_is_refused(db, tmp_path):
    line, _ = refusal(tmp_path)
    assert line == f"{tmp_path}: is a folder, not a file"


# Size ---------------------------------------------------------------------------------------------------------


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(seed, tmp_path, settings):
    settings.PROGRAMME_FILE_MAX_BYTES = 1000
    path = write(tmp_path, [session_item("padded", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", abstract="x" * 2000)])
    before = row_counts()
    line, _ = refusal(path)
    assert f"{path}: {path.stat().st_size:,} bytes, more than the 1,000 bytes" in line
    assert "--max-size" in line and "DJANGO_PROGRAMME_FILE_MAX_MB" in line
    assert row_counts() == before


def test_the_limit_is_an_option_of_the_command_too(seed, tmp_path, settings):
    settings.PROGRAMME_FILE_MAX_BYTES = 1000
    path = write(tmp_path, [session_item("padded", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", abstract="x" * 2000)])
    call_command("load_workshop", str(path), max_size=1, stdout=StringIO())  # 1 MB
    assert Session.objects.filter(slug="padded").exists()
    line, _ = refusal(path, max_size=0.001)
    assert f"more than the {int(0.001 * MB):,} bytes (0.0009995 MB) a programme file may have" in line
    with pytest.raises(CommandError, match="--max-size must be a positive number"):
        call_command("load_workshop", str(path), max_size=0, stdout=StringIO())


def test_the_limit_is_read_from_the_environment_with_a_default_of_50_mb():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_PROGRAMME_FILE_MAX_MB"}
    read = [sys.executable, "-c", "from workshop import settings; print(settings.PROGRAMME_FILE_MAX_BYTES)"]
    assert subprocess.run(read, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip() == str(50 * MB)
    env["DJANGO_PROGRAMME_FILE_MAX_MB"] = "2.5"
    assert subprocess.run(read, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip() == str(int(2.5 * MB))


# Nesting ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [100_000, 1_000, MAX_DEPTH + 1])
def test_json_nested_too_deep_is_refused_in_one_line(db, tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    line, _ = refusal(path)
    assert line == f"{path}: lists and objects are nested more than {MAX_DEPTH} levels deep, which no programme needs"


def test_nesting_up_to_the_limit_is_read_as_usual(db, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    line, _ = refusal(path)
    assert "a fixture is a JSON list of objects" in line  # read, then found not to be a fixture


def test_a_deep_value_inside_an_item_is_refused_in_one_line(seed, tmp_path):
    item = json.dumps([session_item("deep", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", title="TITLE")])
    line, _ = refusal(write(tmp_path, item.replace('"TITLE"', "[" * 50_000 + "]" * 50_000)))
    assert "nested more than" in line


def test_a_schedule_xml_nested_too_deep_is_refused_in_one_line(db, tmp_path):
    path = tmp_path / "schedule.xml"
    path.write_text("<schedule><conference><acronym>deep</acronym></conference>" + "<a>" * 100_000 + "</a>" * 100_000
                    + "</schedule>")  # fmt: skip
    line, _ = refusal(path)
    assert line == f"{path}: lists and objects are nested more than {MAX_DEPTH} levels deep, which no programme needs"


def test_the_deep_file_gets_one_line_from_the_shell_too(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    one_clear_line(run_command(str(path)), "nested more than")


def test_a_number_too_long_to_read_is_refused_in_one_line(db, tmp_path):
    path = tmp_path / "long-number.json"
    path.write_text("[" + "9" * 5000 + "]")
    line, _ = refusal(path)
    assert line.startswith(f"{path}: not valid JSON: ")


# Text lengths -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [LONG_TEXT_LENGTH, LONG_TEXT_LENGTH + 1, 10 * MB])
def test_an_abstract_longer_than_the_limit_is_refused_by_the_model(seed, tmp_path, length):
    before = row_counts()
    path = write(tmp_path, [session_item("long", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", abstract="x" * length)])
    if length <= LONG_TEXT_LENGTH:
        call_command("load_workshop", str(path), stdout=StringIO())
        assert len(Session.objects.get(slug="long").abstract) == length
        return
    line, problems = refusal(path)
    assert problems == (
        f"schedule.session oppo2021/long abstract: Ensure this value has at most {LONG_TEXT_LENGTH} characters "
        f"(it has {length}).\n"
    )
    assert row_counts() == before


def test_posters_and_workshop_descriptions_have_the_limit_too(seed, tmp_path):
    items = [
        {"model": "schedule.workshop", "fields": {"slug": "oppo2021", "description": "d" * (LONG_TEXT_LENGTH + 1)}},
        {"model": "posters.poster", "fields": {"workshop": ["oppo2021"], "slug": "long-poster", "title": "Long",
                                               "abstract": "p" * (LONG_TEXT_LENGTH + 1)}},
    ]  # fmt: skip
    _, problems = refusal(write(tmp_path, items))
    assert f"schedule.workshop oppo2021 description: Ensure this value has at most {LONG_TEXT_LENGTH}" in problems
    assert f"posters.poster oppo2021/long-poster abstract: Ensure this value has at most {LONG_TEXT_LENGTH}" in problems
    assert not Poster.objects.filter(slug="long-poster").exists()


def test_the_seed_is_far_below_the_text_limits():
    items = json.loads((ROOT / "fixtures" / "oppo2021.json").read_text())
    longest = max(len(item["fields"].get(name) or "") for item in items for name in ("abstract", "description"))
    assert longest * 10 < LONG_TEXT_LENGTH


def test_the_admin_forms_refuse_longer_text_too():
    from django.forms import modelform_factory

    form = modelform_factory(Workshop, fields=["description"])(data={"description": "d" * (LONG_TEXT_LENGTH + 1)})
    assert not form.is_valid() and "at most 20000 characters" in str(form.errors)


# Problems ---------------------------------------------------------------------------------------------------------


def test_a_flood_of_problems_is_listed_up_to_a_limit_and_counted(db, tmp_path):
    count = 300_003
    path = tmp_path / "flood.json"
    path.write_text(json.dumps([{"model": "schedule.nosuchmodel", "fields": {}}] * count))
    line, problems = refusal(path)
    lines = problems.splitlines()
    assert len(lines) == LISTED_PROBLEMS + 1
    assert lines[0] == "schedule.nosuchmodel item 1 model: unknown model"
    assert lines[-1] == f"… and {count - LISTED_PROBLEMS:,} more problems" == "… and 299,803 more problems"
    assert line.endswith("refused, 300,003 problem(s); nothing was loaded.")


def test_each_problem_is_one_printable_line_whatever_the_file_holds(seed, tmp_path):
    kind = "\x1b[2J\x1b[31mbanquet\nFAKE: all fine\r" + "k" * 1_000_000
    items = [session_item("sneaky", "2021-07-24T19:00:00Z", "2021-07-24T19:10:00Z", kind=kind)]
    _, problems = refusal(write(tmp_path, items))
    lines = problems.splitlines()
    assert lines and all(line.isprintable() and len(line) < 1000 for line in lines)
    assert all(line.startswith("schedule.session oppo2021/sneaky ") for line in lines)  # no line of the file's own
    assert any(line.startswith("schedule.session oppo2021/sneaky kind: ") and "\\x1b[2J" in line for line in lines)
