"""gunicorn config for the benchmark: the project's gunicorn.conf.py as it stands, with the access log off (a log
line per request would be measured too) and no control socket (two servers run at once and would share one)."""

from pathlib import Path

_project_config = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_project_config.read_text(), str(_project_config), "exec"))

accesslog = None
control_socket_disable = True
