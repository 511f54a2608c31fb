//! Every edit kind, text in and text out: the output is read back and checked, and its
//! diagnostics are those `triplane check` gives on the same text.

use super::*;
use crate::deployment;
use crate::ErrorCode;

const MINIMAL: &str = include_str!("../../../../tests/fixtures/deployments/minimal.yaml");
const NAME: &str = "compose.yaml";

/// What `triplane check` says about `text` (the CLI calls the same loader).
fn check(text: &str) -> Vec<DiagnosticView> {
    match deployment::load_text(NAME, text) {
        Ok(_) => vec![],
        Err(e) => e.diagnostics.iter().map(DiagnosticView::from).collect(),
    }
}

fn key(d: &[DiagnosticView]) -> Vec<(u32, u32, String, String, Option<String>)> {
    d.iter()
        .map(|d| (d.line, d.column, d.path.clone(), d.message.clone(), d.hint.clone()))
        .collect()
}

/// Applies `edit`, then checks what every successful edit owes: the text reads back as a
/// deployment, writing it again changes nothing, and the diagnostics are `check`'s.
fn edit(text: &str, edit: ComposeEdit) -> Composition {
    let out = apply(NAME, text, &edit).unwrap_or_else(|e| panic!("{edit:?} failed: {e:?}"));
    let (spec, _) = triplane_model::parse_bytes(NAME, out.text.as_bytes())
        .unwrap_or_else(|e| panic!("the edited text reads back: {e}\n{}", out.text));
    assert_eq!(triplane_model::save(&spec), out.text, "saving the edited text again is stable");
    assert_eq!(key(&out.diagnostics), key(&check(&out.text)), "the editor says what check says");
    assert!(out.view.is_some(), "an edited text has a view");
    out
}

/// An edit that cannot be made: an `invalid` error with a positioned diagnostic.
fn refused(text: &str, edit: ComposeEdit) -> DiagnosticView {
    let err = apply(NAME, text, &edit).expect_err("the edit is refused");
    assert_eq!(err.code, ErrorCode::Invalid, "{err:?}");
    assert_eq!(err.diagnostics.len(), 1, "one diagnostic says why: {err:?}");
    let d = DiagnosticView::from(&err.diagnostics[0]);
    assert_eq!(d.file, NAME);
    assert!(d.line >= 1 && d.column >= 1, "positioned: {d:?}");
    d
}

fn component<'a>(c: &'a Composition, id: &str) -> &'a ComposeComponent {
    let view = c.view.as_ref().unwrap();
    view.components.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("no component `{id}`"))
}

fn links(c: &Composition) -> Vec<(String, String)> {
    c.view.as_ref().unwrap().links.iter().map(|l| (l.from.clone(), l.to.clone())).collect()
}

fn messages(c: &Composition) -> Vec<String> {
    c.diagnostics.iter().map(|d| d.message.clone()).collect()
}

#[test]
fn the_fixture_is_valid_to_start_with() {
    let c = open(NAME, Some(MINIMAL)).unwrap();
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(c.text, MINIMAL, "opening does not rewrite the text");
    assert_eq!(c.view.unwrap().components.len(), 4);
}

#[test]
fn add_offering_appends_a_component_and_check_names_its_missing_site() {
    let lane = ComposeLane::Execution;
    let c = edit(MINIMAL, ComposeEdit::AddOffering { lane, offering: "gvisor-k8s-sandbox".into() });
    let added = component(&c, "gvisor-k8s-sandbox");
    assert_eq!(added.path, "components.execution[1]");
    assert_eq!(added.kind, "sandbox");
    assert!(added.self_hosted, "gVisor on Kubernetes runs on the customer's site");
    assert_eq!(messages(&c), ["component `gvisor-k8s-sandbox` needs a `site`"]);
    assert_eq!(c.diagnostics[0].path, "components.execution[1].site");

    let again =
        edit(&c.text, ComposeEdit::AddOffering { lane, offering: "gvisor-k8s-sandbox".into() });
    component(&again, "gvisor-k8s-sandbox-2");

    let managed = edit(
        MINIMAL,
        ComposeEdit::AddOffering { lane: ComposeLane::Inference, offering: "claude-api".into() },
    );
    assert!(managed.diagnostics.is_empty(), "a managed offering runs at its first site");
}

#[test]
fn add_offering_refuses_the_wrong_lane_and_an_unknown_offering() {
    let d = refused(
        MINIMAL,
        ComposeEdit::AddOffering {
            lane: ComposeLane::Inference,
            offering: "gvisor-k8s-sandbox".into(),
        },
    );
    assert_eq!(d.message, "a sandbox does not go in the inference lane");
    assert_eq!(d.path, "components.inference");
    assert_eq!(d.line, 25, "at the inference lane of the text");

    let d = refused(
        MINIMAL,
        ComposeEdit::AddOffering { lane: ComposeLane::Inference, offering: "claude-apy".into() },
    );
    assert_eq!(d.message, "unknown offering `claude-apy`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `claude-api`?"));
}

#[test]
fn add_local_adds_an_inline_component() {
    let c = edit(
        MINIMAL,
        ComposeEdit::AddLocal { lane: ComposeLane::Execution, kind: "mcp-server".into(), id: None },
    );
    let added = component(&c, "mcp-server");
    assert_eq!(added.offering, None);
    assert_eq!(messages(&c), ["component `mcp-server` needs a `site`"]);

    let named = edit(
        &c.text,
        ComposeEdit::AddLocal {
            lane: ComposeLane::Execution,
            kind: "data-store".into(),
            id: Some("records".into()),
        },
    );
    component(&named, "records");

    let d = refused(
        MINIMAL,
        ComposeEdit::AddLocal {
            lane: ComposeLane::Execution,
            kind: "sandbox".into(),
            id: Some("loop".into()),
        },
    );
    assert_eq!(d.message, "a component `loop` already exists");
    let d = refused(
        MINIMAL,
        ComposeEdit::AddLocal { lane: ComposeLane::Users, kind: "router".into(), id: None },
    );
    assert_eq!(d.message, "a router does not go in the users lane");
    let d = refused(
        MINIMAL,
        ComposeEdit::AddLocal { lane: ComposeLane::Users, kind: "robot".into(), id: None },
    );
    assert_eq!(d.message, "unknown component kind `robot`");
}

#[test]
fn remove_takes_the_links_with_it() {
    let c = edit(MINIMAL, ComposeEdit::Remove { id: "sandbox".into() });
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(links(&c), [("staff".into(), "loop".into()), ("loop".into(), "model".into())]);
    assert!(!c.text.contains("sandbox"), "{}", c.text);

    let d = refused(MINIMAL, ComposeEdit::Remove { id: "sandbx".into() });
    assert_eq!(d.message, "there is no component `sandbx`");
    assert_eq!(d.hint.as_deref(), Some("did you mean `sandbox`?"));
    assert_eq!(d.path, "components");
}

#[test]
fn link_and_unlink() {
    let c = edit(MINIMAL, ComposeEdit::Unlink { from: "loop".into(), to: "sandbox".into() });
    assert!(!links(&c).contains(&("loop".into(), "sandbox".into())));
    let c = edit(&c.text, ComposeEdit::Link { from: "loop".into(), to: "sandbox".into() });
    assert!(links(&c).contains(&("loop".into(), "sandbox".into())));

    let d = refused(MINIMAL, ComposeEdit::Link { from: "loop".into(), to: "model".into() });
    assert_eq!(d.message, "`loop` already calls `model`");
    assert_eq!((d.path.as_str(), d.line), ("links[1]", 39), "at the existing link");
    let d = refused(MINIMAL, ComposeEdit::Link { from: "loop".into(), to: "loop".into() });
    assert_eq!(d.message, "component `loop` cannot call itself");
    let d = refused(MINIMAL, ComposeEdit::Link { from: "loop".into(), to: "nobody".into() });
    assert_eq!(d.message, "there is no component `nobody`");
    let d = refused(MINIMAL, ComposeEdit::Unlink { from: "model".into(), to: "loop".into() });
    assert_eq!(d.message, "there is no link `model` → `loop`");

    // A link that closes a cycle can be written; check then says where the cycle is.
    let c = edit(MINIMAL, ComposeEdit::Link { from: "sandbox".into(), to: "staff".into() });
    assert_eq!(messages(&c), ["links form a cycle: loop → sandbox → staff → loop"]);
}

#[test]
fn set_field_writes_and_clears_text_fields() {
    let c = edit(
        MINIMAL,
        ComposeEdit::AddOffering {
            lane: ComposeLane::Execution,
            offering: "gvisor-k8s-sandbox".into(),
        },
    );
    let id = "gvisor-k8s-sandbox".to_string();
    let set = |text: &str, field, value: Option<&str>| {
        edit(text, ComposeEdit::SetField { id: id.clone(), field, value: value.map(String::from) })
    };
    let c = set(&c.text, ComposeField::Site, Some("acme-dc"));
    assert!(c.diagnostics.is_empty(), "with a site it is valid: {:?}", c.diagnostics);
    let c = set(&c.text, ComposeField::Visibility, Some("full-reproducibility"));
    let c = set(&c.text, ComposeField::Name, Some("Tool sandbox: gVisor, Lyon"));
    let c = set(&c.text, ComposeField::Note, Some("reviewed: yes"));
    let added = component(&c, &id);
    assert_eq!(added.visibility.as_deref(), Some("full-reproducibility"));
    assert_eq!(added.name.as_deref(), Some("Tool sandbox: gVisor, Lyon"));
    assert_eq!(added.note.as_deref(), Some("reviewed: yes"), "text with a colon survives");

    let c = set(&c.text, ComposeField::Site, Some("acme-dcc"));
    assert_eq!(messages(&c), ["unknown site `acme-dcc`"]);
    assert_eq!(c.diagnostics[0].hint.as_deref(), Some("did you mean `acme-dc`?"));
    let c = set(&c.text, ComposeField::Site, None);
    assert_eq!(component(&c, &id).site, None);

    let c = edit(
        MINIMAL,
        ComposeEdit::SetField {
            id: "model".into(),
            field: ComposeField::Model,
            value: Some("1.10".into()),
        },
    );
    assert_eq!(component(&c, "model").model.as_deref(), Some("1.10"), "a version stays text");

    let d = refused(
        MINIMAL,
        ComposeEdit::SetField {
            id: "sandbox".into(),
            field: ComposeField::Visibility,
            value: Some("glass-box".into()),
        },
    );
    assert_eq!(d.message, "`glass-box` is not a visibility");
    assert_eq!(d.path, "components.execution[0].visibility");
    assert_eq!(d.line, 36, "at the sandbox's visibility");
}

#[test]
fn set_data_classes_is_checked_against_the_known_classes() {
    let set = |classes: &[&str]| ComposeEdit::SetDataClasses {
        id: "model".into(),
        classes: classes.iter().map(|s| s.to_string()).collect(),
    };
    let c = edit(MINIMAL, set(&["internal", "persnal"]));
    assert_eq!(messages(&c), ["unknown data class `persnal`"]);
    assert_eq!(c.diagnostics[0].path, "components.inference[0].data_classes[1]");
    assert_eq!(c.diagnostics[0].hint.as_deref(), Some("did you mean `personal`?"));
    let c = edit(&c.text, set(&["internal", "personal"]));
    assert!(c.diagnostics.is_empty());
    assert_eq!(component(&c, "model").data_classes, ["internal", "personal"]);
    let c = edit(&c.text, set(&[]));
    assert!(component(&c, "model").data_classes.is_empty());
}

#[test]
fn rename_follows_every_reference() {
    let hybrid = deployment::example_text("hybrid").unwrap();
    let c = edit(hybrid, ComposeEdit::Rename { id: "claude".into(), to: "frontier".into() });
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert!(links(&c).contains(&("router".into(), "frontier".into())));
    let routing = c.view.as_ref().unwrap().routing.clone().unwrap();
    assert!(routing.contains("- frontier"), "the frontier route names the new id: {routing}");
    assert!(!c.text.contains("component: claude\n"), "the candidate follows");

    let d = refused(hybrid, ComposeEdit::Rename { id: "claude".into(), to: "router".into() });
    assert_eq!(d.message, "a component `router` already exists");
}

#[test]
fn set_policies() {
    let c = edit(
        MINIMAL,
        ComposeEdit::SetPolicies { policies: vec!["gdpr-strict".into(), " ".into()] },
    );
    assert_eq!(c.view.as_ref().unwrap().policies, ["gdpr-strict"]);
    let c = edit(&c.text, ComposeEdit::SetPolicies { policies: vec![] });
    assert!(!c.text.contains("policies"));
}

#[test]
fn set_section_reads_a_fragment_with_its_own_positions() {
    let c = open(NAME, Some(MINIMAL)).unwrap();
    let workload = c.view.unwrap().workload.unwrap();
    let changed = workload.replace("sessions_per_day: 100", "sessions_per_day: 250");
    assert_ne!(changed, workload, "the fragment holds the sessions: {workload}");
    let section = ComposeSection::Workload;
    let c = edit(MINIMAL, ComposeEdit::SetSection { section, yaml: Some(changed.clone()) });
    assert!(c.text.contains("sessions_per_day: 250"));

    let bad = changed.replace("sessions_per_day", "sesions_per_day");
    let err =
        apply(NAME, MINIMAL, &ComposeEdit::SetSection { section, yaml: Some(bad) }).unwrap_err();
    let d = &err.diagnostics[0];
    assert_eq!(d.message, "unknown field `sesions_per_day`");
    assert_eq!(d.path, "workload.sesions_per_day");
    assert_eq!(d.file, "compose.yaml (workload)");
    assert_eq!(d.hint.as_deref(), Some("did you mean `sessions_per_day`?"));
    let line = changed.lines().position(|l| l.starts_with("sessions_per_day")).unwrap() as u32 + 1;
    assert_eq!(d.line, line, "positioned in the fragment");

    let c = edit(MINIMAL, ComposeEdit::SetSection { section, yaml: None });
    assert!(!c.text.contains("workload"));
    let routing = "router: loop\nroutes:\n  - id: all\n    classes: [internal]\n    models: [model]\ndefault: all\n";
    let c = edit(
        MINIMAL,
        ComposeEdit::SetSection { section: ComposeSection::Routing, yaml: Some(routing.into()) },
    );
    assert_eq!(messages(&c), ["`loop` is a orchestrator, expected a router"]);
}

#[test]
fn text_that_does_not_parse_is_shown_but_not_edited() {
    let broken = "triplane: 1\nname: [x\n";
    let c = open(NAME, Some(broken)).unwrap();
    assert!(c.view.is_none());
    assert_eq!(key(&c.diagnostics), key(&check(broken)));
    let err = apply(NAME, broken, &ComposeEdit::Remove { id: "x".into() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert_eq!(err.diagnostics.len(), 1, "the parse error is given: {err:?}");
}

#[test]
fn an_example_opens_with_its_bundled_text() {
    let c = open("example:hybrid", None).unwrap();
    assert_eq!(c.text, deployment::example_text("hybrid").unwrap());
    assert!(c.diagnostics.is_empty());
    let err = open("/tmp/nowhere.yaml", None).unwrap_err();
    assert_eq!(err.code, ErrorCode::Usage);
}

#[test]
fn edits_cross_ipc_as_tagged_objects() {
    let json = r#"[
        {"edit": "add-offering", "lane": "execution", "offering": "gvisor-k8s-sandbox"},
        {"edit": "add-local", "lane": "users", "kind": "users", "id": null},
        {"edit": "set-field", "id": "model", "field": "visibility", "value": "black-box"},
        {"edit": "set-section", "section": "workload", "yaml": null}
    ]"#;
    let edits: Vec<ComposeEdit> = serde_json::from_str(json).unwrap();
    assert_eq!(
        edits[2],
        ComposeEdit::SetField {
            id: "model".into(),
            field: ComposeField::Visibility,
            value: Some("black-box".into())
        }
    );
    let back = serde_json::to_value(&edits[0]).unwrap();
    assert_eq!(back["edit"], "add-offering", "the tag the UI writes");
}
