class LoadError(Exception):
    """The file cannot be read as a programme at all: one line says why."""
