//! The schema and its migrations. Each entry of [`MIGRATIONS`] moves the file from version
//! `n` to `n + 1`; `PRAGMA user_version` records where a file stands. Pending migrations run
//! in one transaction so a crash leaves the file at its old version, never half-migrated.

/// SQL to go from version `index` to `index + 1`. Never edit a shipped entry: files in the
/// field were built from it; append a new one instead.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: deployment projects and every saved revision of their file.
    "CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL
    );
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        created INTEGER NOT NULL,
        message TEXT
    );
    CREATE INDEX revisions_by_project ON revisions(project_id, id);",
    // 2: benchmark runs and their per-request samples. Times in `samples` are nanoseconds
    // from the run's start; `runs.started`/`ended` are Unix milliseconds.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('latency', 'quality', 'classification')),
        candidate TEXT,
        endpoint TEXT NOT NULL,
        api TEXT NOT NULL,
        model TEXT NOT NULL,
        settings_json TEXT NOT NULL,
        machine_json TEXT NOT NULL,
        triplane_version TEXT NOT NULL,
        started INTEGER NOT NULL,
        ended INTEGER,
        status TEXT NOT NULL
            CHECK (status IN ('running', 'completed', 'cancelled', 'aborted', 'failed'))
    );
    CREATE INDEX runs_by_candidate ON runs(candidate, started);
    CREATE TABLE samples (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        http_status INTEGER,
        error TEXT,
        intended_ns INTEGER NOT NULL,
        sent_ns INTEGER,
        first_byte_ns INTEGER,
        first_event_ns INTEGER,
        first_token_ns INTEGER,
        first_content_ns INTEGER,
        end_ns INTEGER,
        prompt_tokens INTEGER,
        output_tokens INTEGER,
        tokens_from_usage INTEGER NOT NULL CHECK (tokens_from_usage IN (0, 1)),
        chunk_times BLOB NOT NULL,
        partial_text TEXT,
        PRIMARY KEY (run_id, idx)
    ) WITHOUT ROWID;",
    // 3: quality runs. Every raw answer (the candidate's and the judge's) is kept so a run
    // can be re-graded from the file alone; `request_hash` indexes them as a cache for
    // re-grading. Latency figures read `samples` only, never these tables.
    "CREATE TABLE quality_answers (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_id TEXT NOT NULL,
        sample INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('candidate', 'judge')),
        request_hash TEXT NOT NULL,
        request_json TEXT NOT NULL,
        http_status INTEGER,
        raw_response TEXT,
        error TEXT,
        elapsed_ms INTEGER,
        from_cache INTEGER NOT NULL CHECK (from_cache IN (0, 1)),
        PRIMARY KEY (run_id, case_id, sample, role)
    ) WITHOUT ROWID;
    CREATE INDEX quality_answers_by_hash ON quality_answers(request_hash);
    CREATE TABLE quality_verdicts (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        case_id TEXT NOT NULL,
        sample INTEGER NOT NULL,
        pass INTEGER NOT NULL CHECK (pass IN (0, 1)),
        expected_label TEXT,
        predicted_label TEXT,
        detail_json TEXT NOT NULL,
        PRIMARY KEY (run_id, case_id, sample)
    ) WITHOUT ROWID;",
    // 4: a project may follow a deployment file on disk (every save of the file is a revision
    // of its project), and the app's autosaves of unsaved work, one per open deployment.
    "ALTER TABLE projects ADD COLUMN file TEXT;
    CREATE UNIQUE INDEX projects_by_file ON projects(file) WHERE file IS NOT NULL;
    CREATE TABLE autosaves (
        source TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        saved INTEGER NOT NULL
    );",
];

/// The version a file has once every migration ran.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
