//! Load → save → load gives the same file model, for every bundled example and the test
//! fixtures; and saving is stable (saving twice gives the same text).

use std::path::PathBuf;

use triplane_model::{parse_bytes, save};

fn files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["assets/examples", "tests/fixtures/deployments"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn load_save_load_is_identity() {
    let mut checked = 0;
    for path in files() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok((first, _)) = parse_bytes("a.yaml", &bytes) else { continue };
        let text = save(&first);
        let (second, _) = parse_bytes("b.yaml", text.as_bytes()).unwrap_or_else(|e| {
            panic!("{}: saved text does not parse: {e:?}\n{text}", path.display())
        });
        assert_eq!(first, second, "{} changed through save:\n{text}", path.display());
        assert_eq!(save(&second), text, "{}: saving is not stable", path.display());
        checked += 1;
    }
    assert!(checked >= 7, "expected the seven examples and the valid fixtures, got {checked}");
}
