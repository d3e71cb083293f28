"""The benchmark's loading step: a NeurIPS-sized programme dumped as a fixture (what `dumpdata` of the programme's
models with natural keys writes, as the README's backup does) and timed through `manage.py load_workshop` into a fresh, migrated
database. bench/run.py runs it on the benchmark's own database (the seed and the demo); alone it makes its source
with generate_demo first:

    .venv/bin/python bench/loading.py        # about a minute and a half; prints the figures, writes nothing

It touches only the databases named in plan.py (LOAD_SOURCE_DATABASE when alone, LOAD_DATABASE), dropping them
afterwards.
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import app
import plan
import postgres


def dump(env, path):
    """The programme as `dumpdata <the programme's models> --natural-foreign --natural-primary` writes it, through the
    same serializer, with every link and the links its natural key reads fetched in the same query: dumpdata
    fetches them one row at a time, two minutes for this programme."""
    code = f"import sys; sys.path.insert(0, 'bench'); import loading; loading.dump_here({str(path)!r})"
    app.manage(env, "shell", "--no-imports", "-c", code)


def dump_here(path):
    """dump(), inside Django."""
    from django.core import serializers

    from workshop.loading import programme_models

    def key_links(model):
        """The links a model's natural key reads: ("workshop",) for a session, ("poster__workshop",) for a spot."""
        return {lookup.rsplit("__", 1)[0] for lookup in model.NATURAL_KEY if "__" in lookup}

    def related(model):
        paths = key_links(model)
        for field in model._meta.concrete_fields:
            if field.is_relation:
                paths |= {field.name} | {f"{field.name}__{path}" for path in key_links(field.related_model)}
        return paths

    # PROGRAMME_MODELS is in an order their links allow, as dumpdata sorts them.
    querysets = (model._default_manager.select_related(*related(model)).order_by("pk") for model in programme_models())
    with open(path, "w", encoding="utf-8") as out:
        serializers.serialize("json", (obj for queryset in querysets for obj in queryset.iterator(chunk_size=2000)),
                              use_natural_foreign_keys=True, use_natural_primary_keys=True, indent=2, stream=out)


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(source_database):
    """Dump the programme of source_database, load it into a fresh database; the figures."""
    source_env = app.production_env(postgres.url(source_database))
    with tempfile.TemporaryDirectory(prefix="bench-loading-") as folder:
        fixture = Path(folder) / "programme.json"
        dump(source_env, fixture)
        objects = len(json.loads(fixture.read_text(encoding="utf-8")))
        megabytes = fixture.stat().st_size / 1024 / 1024
        postgres.recreate_database(plan.LOAD_DATABASE)
        env = app.production_env(postgres.url(plan.LOAD_DATABASE))
        try:
            app.manage(env, "migrate", "--noinput", "-v0")
            loadavg = os.getloadavg()
            cpu = children_cpu_seconds()
            started = time.monotonic()
            output = app.manage(env, "load_workshop", str(fixture))
            seconds = time.monotonic() - started
            cpu = children_cpu_seconds() - cpu
        finally:
            postgres.drop_database(plan.LOAD_DATABASE)
    result = {
        "objects": objects,
        "megabytes": megabytes,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "loadavg_before": loadavg,
        "output": output.strip(),
        "source": source_database,
    }
    print(f"  {summary(result)}", flush=True)
    return result


def summary(result):
    return (f"load_workshop: {result['objects']:,} objects ({result['megabytes']:.1f} MB of JSON) in "
            f"{result['seconds']:.1f} s ({result['objects'] / result['seconds']:,.0f} objects/s; the command's CPU "
            f"{result['cpu_seconds']:.1f} s; load average {result['loadavg_before'][0]:.2f} before); target < "
            f"{plan.LOAD_TARGET_SECONDS} s")


def alone():
    """The step by itself: a source database with the demo made for it, dropped afterwards."""
    postgres.ensure_running()
    postgres.recreate_database(plan.LOAD_SOURCE_DATABASE)
    env = app.production_env(postgres.url(plan.LOAD_SOURCE_DATABASE))
    try:
        app.manage(env, "migrate", "--noinput", "-v0")
        app.manage(env, "generate_demo", *plan.DEMO_ARGS)
        return measure(plan.LOAD_SOURCE_DATABASE)
    finally:
        postgres.drop_database(plan.LOAD_SOURCE_DATABASE)


if __name__ == "__main__":
    result = alone()
    met = result["seconds"] < plan.LOAD_TARGET_SECONDS
    print(f"[{'met' if met else 'MISSED'}] {summary(result)}")
    sys.exit(0 if met else 1)
