//! Declares the app's own commands to Tauri's ACL, so each one must be granted by a
//! capability file: a command missing from `capabilities/default.json` is refused at run time.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(triplane_app_commands::COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}

/// The app's commands. Kept here and in `src/commands/mod.rs`; the capability test in
/// `src/lib.rs` fails when the two lists and `capabilities/default.json` disagree.
mod triplane_app_commands {
    include!("src/commands/names.rs");
}
