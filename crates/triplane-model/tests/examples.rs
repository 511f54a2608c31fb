//! The bundled examples load against the bundled catalog, and the exposure traps a planner
//! is most likely to fall into come out right: US-parented EU regions are exposed, a tunnel
//! brings its edge network into the chain, a sandbox's US control plane outweighs its EU
//! region. Metamorphic tests check that exposure follows the operator chain and not the region.

use std::collections::BTreeMap;
use std::path::PathBuf;

use triplane_model::{
    exposure_by_plane, load_bytes, Catalog, ChainRole, Component, Deployment, ExposureStatus, Plane,
};

const CLOUD_ACT: &str = "us-cloud-act";
const FISA_702: &str = "us-fisa-702";
const EO_12333: &str = "us-eo-12333";
const COMPELLED: [&str; 3] = [CLOUD_ACT, FISA_702, EO_12333];

const EXAMPLES: [&str; 7] = [
    "frontier-only",
    "self-hosted-sandbox",
    "mcp-tunnel",
    "bedrock-eu",
    "sovereign",
    "hybrid",
    "managed-agents-self-hosted",
];

fn catalog() -> Catalog {
    Catalog::bundled().unwrap_or_else(|errors| {
        panic!("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
    })
}

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples")
}

fn example_text(name: &str) -> String {
    let path = examples_dir().join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn load_text(name: &str, text: &str, catalog: &Catalog) -> Deployment {
    load_bytes(name, text.as_bytes(), catalog).unwrap_or_else(|e| match e {
        triplane_model::LoadError::Invalid { diagnostics, .. } => panic!(
            "{name} is invalid:\n{}",
            diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
        ),
        other => panic!("{name}: {other}"),
    })
}

fn load_example(name: &str, catalog: &Catalog) -> Deployment {
    load_text(&format!("{name}.yaml"), &example_text(name), catalog)
}

fn component<'a>(d: &'a Deployment, id: &str) -> &'a Component {
    d.component(id).unwrap_or_else(|| panic!("`{}` has no component `{id}`", d.name))
}

fn status(c: &Component, law: &str) -> ExposureStatus {
    c.exposure(law).unwrap_or_else(|| panic!("`{}` has no finding for `{law}`", c.id)).status
}

fn reasons(c: &Component, law: &str) -> String {
    c.exposure(law)
        .map(|e| e.reasons.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

/// A deployment of one component, written inline, for traps that no example shows.
fn single(kind: &str, plane: &str, offering: &str, site: &str) -> String {
    format!(
        "triplane: 1\nname: probe\ncomponents:\n  {plane}:\n    - id: probe\n      kind: {kind}\n      \
         offering: {offering}\n      site: {site}\n"
    )
}

#[test]
fn every_example_loads_with_the_bundled_catalog() {
    let catalog = catalog();
    let mut found: Vec<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    found.sort();
    let mut expected: Vec<String> = EXAMPLES.iter().map(|n| format!("{n}.yaml")).collect();
    expected.sort();
    assert_eq!(found, expected, "the examples folder holds exactly the documented examples");

    for name in EXAMPLES {
        let text = example_text(name);
        assert!(
            text.starts_with("# Example"),
            "{name}.yaml opens with a comment block saying what it demonstrates"
        );
        let d = load_example(name, &catalog);
        assert!(!d.links.is_empty(), "{name}: the components are linked");
        assert!(!d.candidates.is_empty(), "{name}: a model endpoint is a benchmark candidate");
        assert!(d.workload.is_some(), "{name}: a workload is given");
        assert!(d.policies.iter().any(|p| p == "gdpr-strict"), "{name}: gdpr-strict applies");
        for c in &d.components {
            assert_eq!(c.exposure.len(), COMPELLED.len(), "{name}/{}: one finding per law", c.id);
        }
    }
}

/// Worst exposure per plane of each example: the table in docs/catalog.md.
#[test]
fn exposure_per_plane_matches_the_documented_table() {
    use ExposureStatus::{Exposed as E, NotExposed as N};
    let expected: BTreeMap<&str, Vec<(Plane, ExposureStatus)>> = BTreeMap::from([
        (
            "frontier-only",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, E),
                (Plane::Inference, E),
                (Plane::Execution, E),
            ],
        ),
        (
            "self-hosted-sandbox",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, E),
                (Plane::Inference, E),
                (Plane::Execution, N),
            ],
        ),
        (
            "mcp-tunnel",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, E),
                (Plane::Inference, E),
                (Plane::Connectivity, E),
                (Plane::Execution, N),
            ],
        ),
        (
            "bedrock-eu",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, N),
                (Plane::Inference, E),
                (Plane::Connectivity, N),
                (Plane::Execution, N),
            ],
        ),
        (
            "sovereign",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, N),
                (Plane::Inference, N),
                (Plane::Connectivity, N),
                (Plane::Execution, N),
            ],
        ),
        (
            "hybrid",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, N),
                (Plane::Inference, E),
                (Plane::Connectivity, N),
                (Plane::Execution, N),
            ],
        ),
        (
            "managed-agents-self-hosted",
            vec![
                (Plane::Users, N),
                (Plane::Orchestration, N),
                (Plane::Inference, E),
                (Plane::Connectivity, N),
                (Plane::Execution, N),
            ],
        ),
    ]);
    let catalog = catalog();
    for name in EXAMPLES {
        let d = load_example(name, &catalog);
        let got: BTreeMap<Plane, ExposureStatus> = exposure_by_plane(&d);
        let want: BTreeMap<Plane, ExposureStatus> = expected[name].iter().copied().collect();
        let table: Vec<String> = d
            .components
            .iter()
            .map(|c| {
                let laws: Vec<String> =
                    COMPELLED.iter().map(|l| format!("{l}={}", status(c, l).as_str())).collect();
                format!("  {:<14} {:<22} {}", c.plane.as_str(), c.id, laws.join(" "))
            })
            .collect();
        assert_eq!(got, want, "{name}: exposure per plane\n{}", table.join("\n"));
    }
}

#[test]
fn claude_on_bedrock_in_frankfurt_is_exposed_through_amazon() {
    let catalog = catalog();
    let d = load_example("bedrock-eu", &catalog);
    let claude = component(&d, "claude-bedrock");
    assert_eq!(claude.site.as_ref().map(|s| s.id.as_str()), Some("aws-eu-central-1"));
    for law in [CLOUD_ACT, FISA_702] {
        assert_eq!(
            status(claude, law),
            ExposureStatus::Exposed,
            "{law}: Amazon.com, Inc. is the US parent"
        );
        assert!(
            reasons(claude, law).contains("Amazon.com, Inc."),
            "{law} names Amazon:\n{}",
            reasons(claude, law)
        );
    }
    assert!(
        reasons(claude, CLOUD_ACT).contains("does not change this"),
        "the reasons say the EU site does not help:\n{}",
        reasons(claude, CLOUD_ACT)
    );
    // The `eu.` profile keeps processing in the EU, so no transit outside it is modelled.
    assert_eq!(status(claude, EO_12333), ExposureStatus::NotExposed);
}

#[test]
fn aws_european_sovereign_cloud_is_never_shown_not_exposed() {
    let catalog = catalog();
    let text = single("sandbox", "execution", "gvisor-k8s-sandbox", "aws-esc-brandenburg");
    let d = load_text("esc.yaml", &text, &catalog);
    let probe = component(&d, "probe");
    let chain: Vec<&str> = probe.operator_chain.iter().map(|e| e.operator.as_str()).collect();
    assert_eq!(chain, ["aws-esc-gmbh", "amazon-com-inc"], "the German GmbH and its US owner");
    for law in [CLOUD_ACT, FISA_702] {
        assert_eq!(status(probe, law), ExposureStatus::Exposed, "{law}: owned by Amazon.com, Inc.");
        assert!(reasons(probe, law).contains("Amazon.com, Inc."), "{}", reasons(probe, law));
    }
    assert_ne!(probe.overall_exposure(), ExposureStatus::NotExposed);

    // Every site the ESC entity runs, with any offering, stays short of not-exposed.
    for site in catalog.sites.values().filter(|s| s.operator == "aws-esc-gmbh") {
        let d = load_text(
            "esc.yaml",
            &single("sandbox", "execution", "gvisor-k8s-sandbox", &site.id),
            &catalog,
        );
        for law in [CLOUD_ACT, FISA_702] {
            assert_ne!(
                status(component(&d, "probe"), law),
                ExposureStatus::NotExposed,
                "{} {law}",
                site.id
            );
        }
    }
}

#[test]
fn an_anthropic_mcp_tunnel_brings_cloudflare_into_the_chain() {
    let catalog = catalog();
    let d = load_example("mcp-tunnel", &catalog);
    let tunnel = component(&d, "mcp-tunnel");
    let cloudflare = tunnel
        .operator_chain
        .iter()
        .find(|e| e.operator == "cloudflare")
        .unwrap_or_else(|| panic!("Cloudflare is missing from {:?}", tunnel.operator_chain));
    assert!(
        matches!(cloudflare.role, ChainRole::Subprocessor { .. }),
        "as the tunnel's edge network"
    );
    assert!(!cloudflare.sources.is_empty(), "the link to Cloudflare is sourced");
    assert!(tunnel.operator_chain.iter().any(|e| e.operator == "anthropic"));
    assert_eq!(status(tunnel, CLOUD_ACT), ExposureStatus::Exposed);
    assert!(
        reasons(tunnel, CLOUD_ACT).contains("Cloudflare, Inc."),
        "{}",
        reasons(tunnel, CLOUD_ACT)
    );

    // The MCP servers behind the tunnel stay on the ministry's side.
    for id in ["mcp-postgres", "mcp-zabbix", "mcp-ibmi"] {
        let c = component(&d, id);
        assert!(c.operator_chain.iter().all(|e| e.operator == "ministere"), "{id}");
        assert_eq!(c.overall_exposure(), ExposureStatus::NotExposed, "{id}");
    }
}

#[test]
fn a_sandbox_with_a_us_control_plane_is_exposed_in_an_eu_region() {
    let catalog = catalog();
    let d = load_text(
        "modal.yaml",
        &single("sandbox", "execution", "modal-sandbox", "modal-eu"),
        &catalog,
    );
    let sandbox = component(&d, "probe");
    assert_eq!(
        sandbox.site.as_ref().and_then(|s| s.country.known()).map(String::as_str),
        Some("EU")
    );
    for law in COMPELLED {
        assert_eq!(
            status(sandbox, law),
            ExposureStatus::Exposed,
            "{law}:\n{}",
            reasons(sandbox, law)
        );
    }
    assert!(
        reasons(sandbox, EO_12333).contains("Virginia"),
        "the transit reason names the control plane's site:\n{}",
        reasons(sandbox, EO_12333)
    );
}

#[test]
fn sandboxes_whose_operator_is_not_established_are_never_not_exposed() {
    let catalog = catalog();
    for (offering, site) in [("daytona-sandbox", "daytona-eu"), ("e2b-sandbox", "e2b-cloud")] {
        let d = load_text("probe.yaml", &single("sandbox", "execution", offering, site), &catalog);
        for law in COMPELLED {
            assert_ne!(
                status(component(&d, "probe"), law),
                ExposureStatus::NotExposed,
                "{offering} {law}"
            );
        }
    }
}

#[test]
fn changing_a_parent_from_a_us_to_an_eu_company_changes_exposure_and_reasons() {
    let original = catalog();
    let mut changed = original.clone();
    let mut holding = changed.operators["dassault-systemes"].clone();
    holding.id = "eu-holding".into();
    holding.name = "Europa Holding SE (test)".into();
    changed.operators.insert(holding.id.clone(), holding);
    changed.operators.get_mut("aws-emea-sarl").unwrap().parent.value =
        triplane_model::fact::Known::Known(Some("eu-holding".into()));

    let before = load_example("bedrock-eu", &original);
    let after = load_example("bedrock-eu", &changed);
    let (b, a) = (component(&before, "claude-bedrock"), component(&after, "claude-bedrock"));
    for law in [CLOUD_ACT, FISA_702] {
        assert_eq!(status(b, law), ExposureStatus::Exposed);
        assert_eq!(status(a, law), ExposureStatus::NotExposed, "{law}:\n{}", reasons(a, law));
        assert_ne!(reasons(b, law), reasons(a, law), "{law}: the reasons follow the chain");
        assert!(!reasons(a, law).contains("Amazon.com"), "{law}: Amazon.com, Inc. left the chain");
        assert!(reasons(a, law).contains("Europa Holding SE"), "{law}: the new parent is named");
    }

    // The same with project-local operators, the other way round.
    let file = |parent: &str| {
        format!(
            "triplane: 1\nname: probe\noperators:\n  - {{id: host, name: Host SAS, country: FR, parent: {parent}}}\n  \
             - {{id: us-co, name: US Co Inc, country: US}}\n  - {{id: eu-co, name: EU Co AG, country: DE}}\n\
             sites:\n  - {{id: dc, name: DC, kind: colocation, operator: host, country: FR}}\n\
             components:\n  execution:\n    - {{id: probe, kind: sandbox, offering: gvisor-k8s-sandbox, site: dc}}\n"
        )
    };
    let us = load_text("us.yaml", &file("us-co"), &original);
    let eu = load_text("eu.yaml", &file("eu-co"), &original);
    let (u, e) = (component(&us, "probe"), component(&eu, "probe"));
    assert_eq!(status(u, CLOUD_ACT), ExposureStatus::Exposed);
    assert!(reasons(u, CLOUD_ACT).contains("US Co Inc"), "{}", reasons(u, CLOUD_ACT));
    assert_eq!(status(e, CLOUD_ACT), ExposureStatus::NotExposed);
    assert!(reasons(e, CLOUD_ACT).contains("EU Co AG"), "{}", reasons(e, CLOUD_ACT));
}

#[test]
fn changing_only_the_region_to_another_eu_region_changes_no_exposure() {
    let catalog = catalog();
    let cases = [
        ("bedrock-eu", "claude-bedrock", "site: aws-eu-central-1", "site: aws-eu-west-3"),
        ("sovereign", "mistral-spark", "country: FR", "country: DE"),
    ];
    for (name, id, from, to) in cases {
        let text = example_text(name);
        assert!(text.contains(from), "{name} contains `{from}`");
        let before = load_example(name, &catalog);
        let after = load_text(name, &text.replace(from, to), &catalog);
        let (b, a) = (component(&before, id), component(&after, id));
        assert_ne!(b.site.as_ref().map(|s| &s.country), None);
        for law in COMPELLED {
            assert_eq!(
                status(b, law),
                status(a, law),
                "{name}/{id} {law}: moving within the EU changes nothing"
            );
        }
        let chain =
            |c: &Component| c.operator_chain.iter().map(|e| e.operator.clone()).collect::<Vec<_>>();
        assert_eq!(
            chain(b),
            chain(a),
            "{name}/{id}: the operator chain does not depend on the region"
        );
    }
    // Moving a Modal sandbox between its regions keeps it exposed: the control plane stays put.
    for site in ["modal-eu", "modal-us-east"] {
        let d = load_text(
            "modal.yaml",
            &single("sandbox", "execution", "modal-sandbox", site),
            &catalog,
        );
        assert_eq!(component(&d, "probe").overall_exposure(), ExposureStatus::Exposed, "{site}");
    }
}

#[test]
fn catalog_parent_ids_load_and_resolve() {
    // Regression: a parent given as an id (`parent: {value: amazon-com-inc, ...}`) once failed
    // to load, because the text did not fill an `Option`.
    let catalog = catalog();
    let parent = &catalog.operators["aws-esc-gmbh"].parent;
    assert_eq!(parent.value, triplane_model::fact::Known::Known(Some("amazon-com-inc".into())));
    assert!(parent.is_sourced(), "the ownership link carries its own sources");
}
