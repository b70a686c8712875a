"""Schema migrations of the project database.

Each entry of ``MIGRATIONS`` moves the database from version ``i`` to
``i + 1`` (``PRAGMA user_version``). Migrations only ever get appended: an
old project opened by a newer workbench is upgraded in one transaction.
"""

MIGRATIONS: list[str] = [
    # 0 -> 1: the base schema.
    """
    CREATE TABLE documents (
        id              INTEGER PRIMARY KEY,
        source_path     TEXT    NOT NULL,
        title           TEXT    NOT NULL,
        lang            TEXT    NOT NULL,
        lang_confidence REAL,
        format          TEXT    NOT NULL,
        encoding        TEXT    NOT NULL,
        content_hash    TEXT    NOT NULL,
        version         INTEGER NOT NULL,
        is_current      INTEGER NOT NULL DEFAULT 1,
        ingested_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (source_path, version)
    );
    CREATE INDEX documents_hash ON documents(content_hash);

    CREATE TABLE paragraphs (
        id          INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx         INTEGER NOT NULL,
        text        TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        UNIQUE (document_id, idx)
    );

    CREATE TABLE segments (
        id           INTEGER PRIMARY KEY,
        document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
        idx          INTEGER NOT NULL,
        text         TEXT    NOT NULL,
        translatable INTEGER NOT NULL,
        reason       TEXT,
        UNIQUE (document_id, idx)
    );
    CREATE INDEX segments_paragraph ON segments(paragraph_id);

    CREATE TABLE translations (
        id            INTEGER PRIMARY KEY,
        segment_id    INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        target_lang   TEXT    NOT NULL,
        engine        TEXT    NOT NULL,
        model         TEXT    NOT NULL,
        model_version TEXT    NOT NULL,
        text          TEXT    NOT NULL,
        meta          TEXT    NOT NULL DEFAULT '{}',
        created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (segment_id, target_lang, engine)
    );

    CREATE TABLE translation_memory (
        engine        TEXT NOT NULL,
        model_version TEXT NOT NULL,
        source_lang   TEXT NOT NULL,
        target_lang   TEXT NOT NULL,
        source_text   TEXT NOT NULL,
        target_text   TEXT NOT NULL,
        meta          TEXT NOT NULL DEFAULT '{}',
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        PRIMARY KEY (engine, model_version, source_lang, target_lang, source_text)
    );

    CREATE TABLE alignments (
        id           INTEGER PRIMARY KEY,
        document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        target_lang  TEXT    NOT NULL,
        target_kind  TEXT    NOT NULL CHECK (target_kind IN ('mt', 'document')),
        target_ref   TEXT    NOT NULL,
        provenance   TEXT    NOT NULL DEFAULT '{}',
        created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (document_id, target_lang, target_kind, target_ref)
    );

    CREATE TABLE beads (
        id           INTEGER PRIMARY KEY,
        alignment_id INTEGER NOT NULL REFERENCES alignments(id) ON DELETE CASCADE,
        idx          INTEGER NOT NULL,
        src_ids      TEXT    NOT NULL,
        tgt_ids      TEXT    NOT NULL,
        tgt_text     TEXT    NOT NULL DEFAULT '',
        confidence   REAL    NOT NULL,
        UNIQUE (alignment_id, idx)
    );

    CREATE TABLE reviews (
        segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        target_lang TEXT    NOT NULL,
        text        TEXT    NOT NULL,
        status      TEXT    NOT NULL DEFAULT 'todo'
                    CHECK (status IN ('todo', 'approved', 'rejected', 'flagged')),
        version     INTEGER NOT NULL DEFAULT 1,
        updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        PRIMARY KEY (segment_id, target_lang)
    );

    CREATE TABLE edits (
        id          INTEGER PRIMARY KEY,
        segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        target_lang TEXT    NOT NULL,
        old_text    TEXT,
        new_text    TEXT    NOT NULL,
        old_status  TEXT,
        new_status  TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        author      TEXT    NOT NULL DEFAULT '',
        at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    );
    CREATE INDEX edits_segment ON edits(segment_id, target_lang);
    CREATE TRIGGER edits_no_update BEFORE UPDATE ON edits
        BEGIN SELECT RAISE(ABORT, 'edit history is append-only'); END;
    CREATE TRIGGER edits_no_delete BEFORE DELETE ON edits
        WHEN (SELECT COUNT(*) FROM segments WHERE id = OLD.segment_id) > 0
        BEGIN SELECT RAISE(ABORT, 'edit history is append-only'); END;
    """,
    # 1 -> 2: project settings (the glossary folder the project was run with, ...).
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2 -> 3: the translation memory (workbench.memory): reviewed pairs with their origin,
    # an FTS5 word index over their sources (kept current by triggers), a hash for exact lookups.
    """
    CREATE TABLE memory_units (
        id             INTEGER PRIMARY KEY,
        key            TEXT    NOT NULL UNIQUE,
        source_lang    TEXT    NOT NULL,
        target_lang    TEXT    NOT NULL,
        source         TEXT    NOT NULL,
        target         TEXT    NOT NULL,
        source_hash    INTEGER NOT NULL,
        context_before TEXT,
        context_after  TEXT,
        origin         TEXT    NOT NULL CHECK (origin IN ('review', 'file', 'alignment')),
        origin_ref     TEXT    NOT NULL DEFAULT '',
        segment_id     INTEGER,
        author         TEXT    NOT NULL DEFAULT '',
        created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    );
    CREATE INDEX memory_units_hash ON memory_units(source_hash, source_lang, target_lang);
    CREATE INDEX memory_units_segment ON memory_units(segment_id, target_lang)
        WHERE segment_id IS NOT NULL;
    CREATE VIRTUAL TABLE memory_fts USING fts5(
        source, content='memory_units', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
    );
    CREATE VIRTUAL TABLE memory_vocab USING fts5vocab(memory_fts, 'row');
    CREATE TRIGGER memory_units_ai AFTER INSERT ON memory_units BEGIN
        INSERT INTO memory_fts(rowid, source) VALUES (new.id, new.source);
    END;
    CREATE TRIGGER memory_units_ad AFTER DELETE ON memory_units BEGIN
        INSERT INTO memory_fts(memory_fts, rowid, source) VALUES ('delete', old.id, old.source);
    END;
    CREATE TRIGGER memory_units_au AFTER UPDATE OF source ON memory_units BEGIN
        INSERT INTO memory_fts(memory_fts, rowid, source) VALUES ('delete', old.id, old.source);
        INSERT INTO memory_fts(rowid, source) VALUES (new.id, new.source);
    END;
    """,
    # 3 -> 4: where each edit came from (reviewer, normaliser, import, undo; '' = unknown,
    # rows of older workbenches), so the history can say it and undo can walk back.
    """
    ALTER TABLE edits ADD COLUMN origin TEXT NOT NULL DEFAULT '';
    """,
    # 4 -> 5: inline codes (tags) of segments imported from CAT-tool files (XLIFF 1.2…):
    # their original markup, as JSON (workbench.io.inline), one row per segment that has any.
    """
    CREATE TABLE segment_codes (
        segment_id INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
        codes      TEXT    NOT NULL
    );
    """,
    # 5 -> 6: teams. Accounts (Argon2 hashes, roles), documents assigned to reviewers, and
    # versioned glossaries in the database (each version the whole glossary as CSV text).
    """
    CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        name          TEXT    NOT NULL UNIQUE,
        role          TEXT    NOT NULL CHECK (role IN ('reviewer', 'lead', 'admin')),
        password_hash TEXT    NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    );
    CREATE TABLE assignments (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        assigned_by TEXT    NOT NULL DEFAULT '',
        assigned_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        PRIMARY KEY (document_id, account_id)
    );
    CREATE INDEX assignments_account ON assignments(account_id);
    CREATE TABLE glossary_versions (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        content    TEXT    NOT NULL,
        author     TEXT    NOT NULL DEFAULT '',
        created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (name, version)
    );
    """,
    # 6 -> 7: each glossary version's digest (the glossary's sha256, as in the provenance of
    # the translations made with it), so versions are told apart without parsing them.
    """
    ALTER TABLE glossary_versions ADD COLUMN digest TEXT NOT NULL DEFAULT '';
    """,
    # 7 -> 8: the author of each version of a document, of each machine translation and
    # of each alignment (the account in the app, the OS user for command-line work; ''
    # for rows written before). Reviews already record theirs in ``edits.author``.
    """
    ALTER TABLE documents ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE translations ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE alignments ADD COLUMN author TEXT NOT NULL DEFAULT '';
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
