"""PostgreSQL only: a record's ``cited_document``, the search vector of the titles of the sources it cites.

A search matches a record by its own text or by a cited source's title. Asked as ``own text OR the record's id
is among those citing a matching source``, PostgreSQL could neither use an index for the second arm nor estimate
how many rows match, so a rare word read a whole dispute and a broad one was planned as if it were rare. With
the cited titles kept beside the record's own vector, both arms are a GIN-indexed column of the same row: a
match is ``search_document @@ q OR cited_document @@ q``, which the planner estimates from each column's
statistics and serves by a bitmap of the two indexes or by walking a dispute's newest rows.

Triggers keep the column current, statement by statement (transition tables, so a bulk load runs one update):
after citations are added, removed or changed, and after a source's title changes. The titles are joined with a
run of stop words between them, so a phrase never matches across two titles (a stop word takes a position in
the vector without being a lexeme). Ranking still reads ``search_document`` alone: a match by cited title only
ranks last, as before.

Used by the migrations that add the column (disputes 0007, tariffs 0011, through ``operation``): they pass their
table names, so the statements here must keep producing what those migrations created. Change them only with a
new migration.
"""

#: Between two titles: stop words, each a position and none a lexeme, so no phrase spans two titles.
TITLE_GAP = " " + "a " * 32

#: The statements, with the names of a migration's tables in the braces (never text from a request).
CREATE = (
    "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS cited_document tsvector NOT NULL DEFAULT ''::tsvector",
    # Sets the vector of the given rows from their citations; writes only rows whose vector changes.
    """
    CREATE OR REPLACE FUNCTION {prefix}_cited_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        UPDATE {table} AS r SET cited_document = fresh.document
        FROM (
            SELECT t.id, COALESCE((
                SELECT to_tsvector('english'::regconfig, string_agg(s.title, '{gap}' ORDER BY s.id))
                FROM {citation_table} c JOIN disputes_source s ON s.id = c.source_id
                WHERE c.{cited_column} = t.id
            ), ''::tsvector) AS document
            FROM {table} t WHERE t.id = ANY(ids)
        ) AS fresh
        WHERE r.id = fresh.id AND r.cited_document IS DISTINCT FROM fresh.document
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION {prefix}_citations_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM {prefix}_cited_refresh(ARRAY(SELECT DISTINCT {cited_column} FROM added_rows));
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION {prefix}_citations_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM {prefix}_cited_refresh(ARRAY(SELECT DISTINCT {cited_column} FROM removed_rows));
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION {prefix}_source_titles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM {prefix}_cited_refresh(ARRAY(
            SELECT DISTINCT c.{cited_column} FROM {citation_table} c
            JOIN added_rows n ON n.id = c.source_id JOIN removed_rows o ON o.id = n.id
            WHERE n.title IS DISTINCT FROM o.title
        ));
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER IF EXISTS {prefix}_cited_insert ON {citation_table}",
    "CREATE TRIGGER {prefix}_cited_insert AFTER INSERT ON {citation_table} REFERENCING NEW TABLE AS added_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_citations_added()",
    "DROP TRIGGER IF EXISTS {prefix}_cited_update_new ON {citation_table}",
    "CREATE TRIGGER {prefix}_cited_update_new AFTER UPDATE ON {citation_table} "
    "REFERENCING NEW TABLE AS added_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_citations_added()",
    "DROP TRIGGER IF EXISTS {prefix}_cited_update_old ON {citation_table}",
    "CREATE TRIGGER {prefix}_cited_update_old AFTER UPDATE ON {citation_table} "
    "REFERENCING OLD TABLE AS removed_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_citations_removed()",
    "DROP TRIGGER IF EXISTS {prefix}_cited_delete ON {citation_table}",
    "CREATE TRIGGER {prefix}_cited_delete AFTER DELETE ON {citation_table} REFERENCING OLD TABLE AS removed_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_citations_removed()",
    "DROP TRIGGER IF EXISTS {prefix}_cited_titles ON disputes_source",
    "CREATE TRIGGER {prefix}_cited_titles AFTER UPDATE ON disputes_source "
    "REFERENCING NEW TABLE AS added_rows OLD TABLE AS removed_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_source_titles_changed()",
    # Every row's vector from the citations already stored, then the index and the planner's statistics.
    "SELECT {prefix}_cited_refresh(ARRAY(SELECT DISTINCT {cited_column} FROM {citation_table}))",
    "CREATE INDEX IF NOT EXISTS {table}_cited_idx ON {table} USING gin (cited_document)",
    "ANALYZE {table}",
)

DROP = (
    *(f"DROP TRIGGER IF EXISTS {{prefix}}_{name} ON {{citation_table}}"
      for name in ("cited_insert", "cited_update_new", "cited_update_old", "cited_delete")),
    "DROP TRIGGER IF EXISTS {prefix}_cited_titles ON disputes_source",
    *(f"DROP FUNCTION IF EXISTS {{prefix}}_{name}()"
      for name in ("citations_added", "citations_removed", "source_titles_changed")),
    "DROP FUNCTION IF EXISTS {prefix}_cited_refresh(bigint[])",
    "ALTER TABLE {table} DROP COLUMN IF EXISTS cited_document",
)  # fmt: skip


def operation(table: str, citation_table: str, cited_column: str, prefix: str):
    """The migration operation adding ``cited_document`` to ``table`` (and removing it when reversed), on
    PostgreSQL only: SQLite searches without it."""
    from django.db import migrations

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("SET LOCAL statement_timeout = 0")  # fills every row's vector, builds an index
        for statement in create_statements(table, citation_table, cited_column, prefix):
            schema_editor.execute(statement)

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in drop_statements(table, citation_table, prefix):
            schema_editor.execute(statement)

    return migrations.RunPython(create, drop)


def create_statements(table: str, citation_table: str, cited_column: str, prefix: str) -> list[str]:
    """The column, its index and its triggers for ``table``, whose rows ``citation_table`` cites by ``cited_column``."""
    names = {"table": table, "citation_table": citation_table, "cited_column": cited_column, "prefix": prefix}
    return [template.format(**names, gap=TITLE_GAP.replace("'", "''")) for template in CREATE]


def drop_statements(table: str, citation_table: str, prefix: str) -> list[str]:
    return [template.format(table=table, citation_table=citation_table, prefix=prefix) for template in DROP]
