"""The search document PostgreSQL keeps for each session and poster: a stored, generated tsvector column.

Computed by the database when a row is written (by any writer: admin, loader, imports, bulk updates), so a
search reads it instead of running to_tsvector over every title and abstract of a workshop per query, and
the GIN index on it can serve the match. Django's models do not declare the column: SQLite has no tsvector,
and a generated column is never written by the application. Migrations call add() and remove().
"""

COLUMN = "search_document"
CONFIG = "english"  # workshop/search.py queries with the same configuration


def _index(table):
    return f"{table}_{COLUMN}_idx"


def add(schema_editor, table):
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(table)} ADD COLUMN {quote(COLUMN)} tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({quote('title')}::text, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({quote('abstract')}, '')), 'B')) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {quote(_index(table))} ON {quote(table)} USING gin ({quote(COLUMN)})")


def remove(schema_editor, table):
    quote = schema_editor.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(_index(table))}")
    schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN IF EXISTS {quote(COLUMN)}")
