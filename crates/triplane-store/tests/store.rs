//! The store against real files in a temporary directory: schema lifecycle (fresh file,
//! migration from an older version, refusal of newer or foreign files, lock handling) and
//! the round trip of projects, revisions, runs and samples.

use std::time::{Duration, Instant};

use rusqlite::Connection;
use triplane_store::{
    NewRun, OpenOptions, RunKind, RunStatus, Sample, Store, StoreError, SCHEMA_VERSION,
};

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("triplane.db");
    (dir, path)
}

fn new_run(candidate: &str) -> NewRun {
    NewRun {
        kind: RunKind::Latency,
        candidate: Some(candidate.to_owned()),
        endpoint: "http://127.0.0.1:9/v1".to_owned(),
        api: "openai".to_owned(),
        model: "smollm2".to_owned(),
        settings_json: r#"{"load":"sequential"}"#.to_owned(),
        machine_json: r#"{"cpus":2}"#.to_owned(),
        triplane_version: "0.1.0".to_owned(),
        started: 1_767_225_600_000,
    }
}

fn sample(idx: u32) -> Sample {
    Sample {
        idx,
        outcome: "ok".to_owned(),
        http_status: Some(200),
        intended_ns: 1_000_000 * u64::from(idx),
        sent_ns: Some(1_000_000 * u64::from(idx) + 1_234),
        first_byte_ns: Some(1_000_000 * u64::from(idx) + 50_000_000),
        first_event_ns: Some(1_000_000 * u64::from(idx) + 50_000_000),
        first_token_ns: Some(1_000_000 * u64::from(idx) + 60_000_000),
        first_content_ns: Some(1_000_000 * u64::from(idx) + 60_000_000),
        end_ns: Some(1_000_000 * u64::from(idx) + 90_000_000),
        prompt_tokens: Some(12),
        output_tokens: Some(3),
        tokens_from_usage: true,
        chunk_times_ns: vec![
            1_000_000 * u64::from(idx) + 60_000_000,
            1_000_000 * u64::from(idx) + 70_000_000,
            1_000_000 * u64::from(idx) + 80_000_000,
        ],
        partial_text: Some("Bonjour à vous".to_owned()),
        ..Sample::default()
    }
}

/// The schema of version 1 as shipped, written by hand so the test does not depend on the
/// migration code it checks.
const V1_FIXTURE: &str = "
    CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
        created INTEGER NOT NULL);
    CREATE TABLE revisions (id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        text TEXT NOT NULL, sha256 TEXT NOT NULL, created INTEGER NOT NULL, message TEXT);
    CREATE INDEX revisions_by_project ON revisions(project_id, id);
    INSERT INTO projects VALUES (1, 'hybrid', 1700000000000);
    INSERT INTO revisions VALUES (1, 1, 'triplane: 1', 'abc', 1700000000001, 'first');
    PRAGMA user_version = 1;";

#[test]
fn fresh_file_gets_the_current_schema_in_wal_mode_with_foreign_keys() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.backup_path().is_none(), "a new file has nothing to back up");

    let conn = Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");

    // Foreign keys are per connection: prove the store's own connection enforces them.
    let err = store.save_revision(42, "triplane: 1", None).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "project", id: 42, .. }), "{err:?}");
}

#[test]
fn projects_and_revisions_round_trip() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    let p = store.create_project("sovereign").unwrap();
    let r1 = store.save_revision(p.id, "triplane: 1\n", Some("first")).unwrap();
    let r2 = store.save_revision(p.id, "triplane: 1\n# v2\n", None).unwrap();

    assert_eq!(r1.sha256.len(), 64);
    assert_ne!(r1.sha256, r2.sha256, "different texts hash differently");

    let listed = store.list_revisions(p.id).unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![r1.id, r2.id]);
    assert_eq!(store.revision(r2.id).unwrap().text, "triplane: 1\n# v2\n");
    assert_eq!(store.revision(r1.id).unwrap().message.as_deref(), Some("first"));
    assert_eq!(store.list_projects().unwrap(), vec![p]);
    assert!(matches!(store.revision(999), Err(StoreError::NotFound { id: 999, .. })));
}

#[test]
fn a_file_has_one_project_and_autosaves_replace_each_other() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    let a = store.project_for_file("/srv/a.yaml", "/srv/a.yaml").unwrap();
    assert_eq!(a.file.as_deref(), Some("/srv/a.yaml"));
    let again = store.project_for_file("/srv/a.yaml", "ignored").unwrap();
    assert_eq!(again, a, "the second save of a file lands in the same project");
    assert_eq!(store.find_project_for_file("/srv/b.yaml").unwrap(), None);
    assert_eq!(store.project(a.id).unwrap(), a);

    store.put_autosave("file:/srv/a.yaml", "a.yaml", "one").unwrap();
    store.put_autosave("example:hybrid", "hybrid", "two").unwrap();
    store.put_autosave("file:/srv/a.yaml", "a.yaml", "three").unwrap();
    let listed = store.list_autosaves().unwrap();
    assert_eq!(listed.len(), 2, "one autosave per source: {listed:?}");
    let a_text = listed.iter().find(|x| x.source == "file:/srv/a.yaml").unwrap();
    assert_eq!(a_text.text, "three", "the later autosave replaced the earlier");

    store.delete_autosave("file:/srv/a.yaml").unwrap();
    store.delete_autosave("file:/srv/a.yaml").unwrap();
    assert_eq!(store.list_autosaves().unwrap().len(), 1);
}

#[test]
fn revision_hash_is_the_sha256_of_the_text() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    let p = store.create_project("p").unwrap();
    // sha256("abc"), FIPS 180-2 appendix B.1.
    let r = store.save_revision(p.id, "abc", None).unwrap();
    assert_eq!(r.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[test]
fn runs_and_samples_round_trip() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let a = store.insert_run(&new_run("local")).unwrap();
    let b = store.insert_run(&new_run("cloud")).unwrap();

    let batch: Vec<Sample> = (0..3).map(sample).collect();
    store.append_samples(a, &batch).unwrap();
    store.append_samples(a, &[sample(3)]).unwrap();
    store.finish_run(a, 1_767_225_601_000, RunStatus::Completed).unwrap();

    let run = store.run(a).unwrap();
    assert_eq!(run.status, RunStatus::Completed);
    assert_eq!(run.ended, Some(1_767_225_601_000));
    assert_eq!(run.candidate.as_deref(), Some("local"));
    assert_eq!(store.run(b).unwrap().status, RunStatus::Running);

    let back = store.samples(a).unwrap();
    assert_eq!(back.len(), 4);
    for (orig, got) in batch.iter().zip(&back) {
        // Chunk times are stored in microseconds; these are whole microseconds.
        assert_eq!(orig, got);
    }
    assert!(store.samples(b).unwrap().is_empty());

    let all = store.list_runs(None).unwrap();
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a], "newest first");
    let local = store.list_runs(Some("local")).unwrap();
    assert_eq!(local.len(), 1);
    assert_eq!(local[0].id, a);
}

#[test]
fn a_batch_is_all_or_nothing() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let run = store.insert_run(&new_run("c")).unwrap();
    let mut bad = sample(1);
    bad.chunk_times_ns = vec![bad.sent_ns.unwrap() + 10_000, bad.sent_ns.unwrap()];
    let err = store.append_samples(run, &[sample(0), bad]).unwrap_err();
    assert!(matches!(err, StoreError::ChunkTimes { idx: 1, .. }), "{err:?}");
    assert!(store.samples(run).unwrap().is_empty(), "sample 0 must have been rolled back");

    let err = store.append_samples(run + 100, &[sample(0)]).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "run", .. }), "{err:?}");
    assert!(matches!(
        store.finish_run(run + 100, 0, RunStatus::Failed),
        Err(StoreError::NotFound { what: "run", .. })
    ));
}

#[test]
fn migrates_a_version_1_file_after_backing_it_up() {
    let (dir, path) = temp_db();
    Connection::open(&path).unwrap().execute_batch(V1_FIXTURE).unwrap();

    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);

    let p = store.list_projects().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].name, "hybrid");
    assert_eq!(store.revision(1).unwrap().text, "triplane: 1");
    let run = store.insert_run(&new_run("c")).unwrap();
    store.append_samples(run, &[sample(0)]).unwrap();

    let backup = store.backup_path().expect("an existing file is backed up").to_path_buf();
    assert_eq!(backup.parent(), Some(dir.path()));
    let old = Connection::open(&backup).unwrap();
    let v: i64 = old.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 1, "the backup holds the file as it was before migrating");
    let n: i64 = old.query_row("SELECT count(*) FROM revisions", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);

    drop(store);
    let again = Store::open(&path).unwrap();
    assert!(again.backup_path().is_none(), "an up-to-date file is not backed up again");
}

#[test]
fn a_failing_migration_leaves_the_file_at_its_old_version() {
    let (_dir, path) = temp_db();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(V1_FIXTURE).unwrap();
    // A table the version-2 migration wants to create makes that migration fail midway.
    conn.execute_batch("CREATE TABLE samples (x INTEGER);").unwrap();
    drop(conn);

    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Migrate { version: 2, .. }), "{err:?}");

    let conn = Connection::open(&path).unwrap();
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
    let runs: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'runs'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 0, "the `runs` table created before the failure was rolled back");
}

#[test]
fn refuses_a_file_from_a_newer_schema_without_touching_it() {
    let (_dir, path) = temp_db();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path).unwrap_err();
    match &err {
        StoreError::NewerSchema { found, supported, .. } => {
            assert_eq!((*found, *supported), (99, SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("triplane.db"), "the message names the file: {err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file must be left byte-for-byte");
    let siblings = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
    assert_eq!(siblings, 1, "no backup, WAL or journal file was created");
}

#[test]
fn refuses_a_foreign_database() {
    let (_dir, path) = temp_db();
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE contacts (name TEXT);").unwrap();
    assert!(matches!(Store::open(&path), Err(StoreError::Foreign { .. })));
}

#[test]
fn a_locked_file_gives_busy_instead_of_hanging() {
    let (_dir, path) = temp_db();
    let options = OpenOptions { busy_timeout: Duration::from_millis(100) };
    let mut store = Store::open_with(&path, &options).unwrap();
    let run = store.insert_run(&new_run("c")).unwrap();

    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();

    let started = Instant::now();
    let err = store.append_samples(run, &[sample(0)]).unwrap_err();
    assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the busy timeout bounds the wait, took {:?}",
        started.elapsed()
    );
    assert!(
        matches!(store.create_project("x"), Err(StoreError::Busy { .. })),
        "plain statements map to Busy too"
    );

    other.execute_batch("ROLLBACK").unwrap();
    store.append_samples(run, &[sample(0)]).unwrap();
}
