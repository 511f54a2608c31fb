//! The bundle on disk: determinism, refusing bad targets, and reading hostile archives
//! without writing anything.

use std::io::Write;
use std::path::Path;

use triplane_export::bundle::{self, Files, ReadError};

fn sample() -> Files {
    let mut f = Files::default();
    f.text("b/x.yaml", "x: 1\n".into());
    f.script("a/run.sh", "#!/bin/sh\n".into());
    bundle::seal(f, "t", "sha256:00", None).unwrap()
}

#[test]
fn archives_are_byte_identical_and_round_trip() {
    let a = bundle::archive_bytes(&sample()).unwrap();
    let b = bundle::archive_bytes(&sample()).unwrap();
    assert_eq!(a, b, "same files must give the same archive bytes");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.tar.gz");
    bundle::write_archive(&sample(), &path).unwrap();
    let back = bundle::read(&path).unwrap();
    assert_eq!(back, sample(), "modes and bytes survive the archive");
    assert!(bundle::verify(&back, None).ok());
}

#[test]
fn refuses_a_non_empty_target_and_accepts_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("keep"), "mine").unwrap();
    assert!(matches!(
        bundle::write_dir(&sample(), &full),
        Err(triplane_export::ExportError::TargetNotEmpty { .. })
    ));
    assert_eq!(std::fs::read_to_string(full.join("keep")).unwrap(), "mine", "nothing touched");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    bundle::write_dir(&sample(), &empty).unwrap();
    assert!(bundle::verify(&bundle::read(&empty).unwrap(), None).ok());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".triplane-export-")
        })
        .collect();
    assert!(leftovers.is_empty(), "the temporary folder was renamed, not left behind");
}

#[test]
fn a_path_escaping_the_target_is_refused_before_writing() {
    let mut f = Files::default();
    f.text("../escape.txt", "x".into());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub/out");
    assert!(matches!(
        bundle::write_dir(&f, &out),
        Err(triplane_export::ExportError::PathEscape { .. })
    ));
    assert!(!dir.path().join("sub/escape.txt").exists() && !out.exists());
}

/// A gzipped tar with one entry whose name and type are written raw, as an attacker would.
fn hostile(name: &str, kind: tar::EntryType, link: Option<&str>) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    {
        let raw = header.as_old_mut();
        raw.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(l) = link {
            raw.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    header.set_entry_type(kind);
    header.set_size(if kind.is_file() { 4 } else { 0 });
    header.set_mode(0o644);
    header.set_cksum();
    let mut tar = Vec::new();
    tar.extend_from_slice(header.as_bytes());
    if kind.is_file() {
        let mut block = [0u8; 512];
        block[..4].copy_from_slice(b"evil");
        tar.extend_from_slice(&block);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn read_hostile(bytes: Vec<u8>, dir: &Path) -> Result<Files, ReadError> {
    let path = dir.join("evil.tar.gz");
    std::fs::write(&path, bytes).unwrap();
    bundle::read(&path)
}

#[test]
fn hostile_archives_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("../../etc/evil", tar::EntryType::Regular, None),
        ("/tmp/evil", tar::EntryType::Regular, None),
        ("router/link", tar::EntryType::Symlink, Some("/etc/passwd")),
        ("router/hard", tar::EntryType::Link, Some("manifest.json")),
    ];
    for (name, kind, link) in cases {
        let err = read_hostile(hostile(name, kind, link), dir.path()).unwrap_err();
        assert!(
            matches!(err, ReadError::Escape { .. } | ReadError::NotAFile { .. }),
            "`{name}` must be refused, got {err}"
        );
    }
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("evil.tar.gz")], "reading wrote nothing");
}
