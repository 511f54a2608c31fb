//! Tests of the IPC edge: the committed bindings, the capability set, the CSP and the error
//! shape. They read the real files the app is built from.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::commands::COMMANDS;

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(rel: &str) -> Value {
    let path = app_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Fails when `ui/src/ipc/bindings.ts` is not what the Rust side generates; with
/// `TRIPLANE_BLESS=1` it rewrites the file instead.
#[test]
fn bindings_are_up_to_date() {
    let generated = crate::bindings().unwrap();
    let path = app_dir().join("../ui/src/ipc/bindings.ts");
    if std::env::var_os("TRIPLANE_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/ipc/bindings.ts drifted from the Rust commands and types; regenerate with \
         `TRIPLANE_BLESS=1 cargo test -p triplane-app bindings_are_up_to_date`"
    );
}

/// The registered commands are exactly the names list that `build.rs` gives Tauri's ACL.
#[test]
fn every_registered_command_is_in_the_names_list() {
    let bindings = crate::bindings().unwrap();
    for name in COMMANDS {
        assert!(
            bindings.contains(&format!("\"{name}\"")),
            "`{name}` is in commands/names.rs but not registered in lib.rs"
        );
    }
    let registered = bindings
        .lines()
        .filter(|l| l.contains("__TAURI_INVOKE") && !l.trim_start().starts_with("import"))
        .count();
    assert_eq!(registered, COMMANDS.len(), "lib.rs registers a command names.rs lacks");
}

/// The web side may call the app's own commands and nothing else: no shell, no file system,
/// no HTTP, no opener, no core plugin (window, event, path…) it does not use.
#[test]
fn the_capability_set_is_exactly_the_app_commands() {
    let caps: Vec<_> = std::fs::read_dir(app_dir().join("capabilities"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(caps, ["default.json"], "one capability file, for the main window");

    let cap = read_json("capabilities/default.json");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote URL may reach the IPC");
    let granted: BTreeSet<&str> =
        cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let expected: Vec<String> =
        COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(granted, expected);

    // A plugin permission is `plugin:rule`; none is granted, not even the dialog plugin the
    // app uses from Rust (`src/dialog.rs`), so the web side cannot open a dialog, nor read,
    // write, run or fetch anything on its own.
    for p in &granted {
        assert!(!p.contains(':'), "`{p}` is a plugin or core permission; the window gets none");
    }
}

/// The dialog plugin is registered for Rust's own use; no capability grants its commands, and
/// no file-system or shell plugin is configured.
#[test]
fn the_dialog_plugin_is_not_reachable_from_the_web_side() {
    let cap = std::fs::read_to_string(app_dir().join("capabilities/default.json")).unwrap();
    assert!(!cap.contains("dialog:"), "no `dialog:` permission is granted");
    let lib = std::fs::read_to_string(app_dir().join("src/lib.rs")).unwrap();
    assert!(lib.contains("tauri_plugin_dialog::init()"), "the plugin is registered for Rust");
    let conf = read_json("tauri.conf.json");
    assert!(conf.get("plugins").is_none_or(|p| p.get("fs").is_none() && p.get("shell").is_none()));
}

#[test]
fn the_csp_allows_no_remote_content() {
    let conf = read_json("tauri.conf.json");
    let security = &conf["app"]["security"];
    let csp = security["csp"].as_object().expect("the CSP is set, as directives");
    for directive in ["default-src", "script-src", "style-src", "img-src", "connect-src"] {
        assert!(csp.contains_key(directive), "`{directive}` is set explicitly");
    }
    for (directive, value) in csp {
        let value = value.as_str().unwrap();
        for word in value.split_whitespace() {
            let remote = word.starts_with("https:")
                || (word.starts_with("http:") && word != "http://ipc.localhost")
                || word == "*"
                || word.contains("unsafe-");
            assert!(!remote, "`{directive}` allows `{word}`");
        }
    }
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(conf["app"]["withGlobalTauri"], false, "Tauri is reached only through ui/src/ipc");
    assert!(security.get("dangerousDisableAssetCspModification").is_none());
}

#[test]
fn errors_cross_as_code_message_and_diagnostics() {
    let err = triplane_api::deployment::text_view("bad.yaml", "triplane: 1\nname: x\nbogus: 1\n")
        .map_err(triplane_api::view::WireError::from)
        .unwrap_err();
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "invalid");
    assert!(json["message"].as_str().unwrap().contains("bad.yaml"));
    assert_eq!(json["diagnostics"][0]["line"], 3, "{json}");
}
