//! From a parsed deployment file to the resolved [`Deployment`]: every reference checked
//! (with a "did you mean"), the workload's numbers checked, the call graph checked for
//! cycles, then each component joined with the catalog and its exposure derived.
//!
//! Exposure is derived from the operator chain, never from the region: a CLOUD Act order
//! reaches data a US company controls wherever it is stored. See `docs/exposure.md`.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Catalog;
use crate::diag::Diagnostics;
use crate::fact::{Known, Source};
use crate::model::*;
use crate::spec::*;

/// Ids local to the file shadow nothing: a local entry may not reuse a catalog id.
struct Scope<'a> {
    catalog: &'a Catalog,
    operators: BTreeMap<&'a str, &'a OperatorSpec>,
    sites: BTreeMap<&'a str, &'a SiteSpec>,
    offerings: BTreeMap<&'a str, (&'a OfferingSpec, &'static str)>,
}

impl<'a> Scope<'a> {
    fn new(catalog: &'a Catalog, file: &'a DeploymentFile) -> Scope<'a> {
        let mut s = Scope {
            catalog,
            operators: catalog.operators.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            sites: catalog.sites.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            offerings: catalog
                .offerings
                .iter()
                .map(|(k, v)| (k.as_str(), (v, "catalog")))
                .collect(),
        };
        s.operators.extend(file.operators.iter().map(|o| (o.id.as_str(), o)));
        s.sites.extend(file.sites.iter().map(|o| (o.id.as_str(), o)));
        s.offerings.extend(file.offerings.iter().map(|o| (o.id.as_str(), (o, "project"))));
        s
    }
}

pub(crate) fn resolve(
    file_name: &str,
    hash: String,
    spec: DeploymentFile,
    positions: Positions,
    catalog: &Catalog,
) -> Result<Deployment, Vec<crate::Diagnostic>> {
    let mut diags = Diagnostics::new(file_name, &positions);
    check(&spec, catalog, &mut diags);
    if !diags.list.is_empty() {
        diags.list.sort_by_key(|d| (d.line, d.column));
        return Err(diags.list);
    }

    let scope = Scope::new(catalog, &spec);
    let mut data_classes = builtin_data_classes();
    data_classes.extend(spec.data_classes.iter().map(DataClassSpec::resolve));
    let components =
        spec.components.iter().map(|(plane, _, c)| component(&scope, plane, c)).collect();
    let links =
        spec.links.iter().map(|l| Link { from: l.from.clone(), to: l.to.clone() }).collect();

    Ok(Deployment {
        name: spec.name.clone(),
        description: spec.description.clone(),
        file: file_name.to_string(),
        hash,
        components,
        links,
        data_classes,
        routing: spec.routing.clone(),
        policies: spec.policies.clone(),
        workload: spec.workload.clone(),
        candidates: spec.candidates.clone(),
        spec,
        positions,
    })
}

use crate::yaml::Positions;

// ----- checks -----

fn check(spec: &DeploymentFile, catalog: &Catalog, d: &mut Diagnostics<'_>) {
    if spec.triplane != FORMAT_VERSION {
        d.error("triplane", format!("unsupported format version `{}`", spec.triplane)).hint =
            Some(format!("this Triplane reads version {FORMAT_VERSION}"));
    }
    check_local_entries(spec, catalog, d);
    let scope = Scope::new(catalog, spec);
    let classes = class_ids(spec);

    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for (plane, path, c) in spec.components.iter() {
        if let Some(first) = ids.insert(&c.id, path.clone()) {
            d.error(&format!("{path}.id"), format!("duplicate component id `{}`", c.id)).hint =
                Some(format!("first used at `{first}`"));
        }
        check_component(&scope, plane, &path, c, &classes, d);
    }
    let component_ids: BTreeSet<&str> = ids.keys().copied().collect();
    check_links(spec, &component_ids, d);
    if let Some(routing) = &spec.routing {
        check_routing(spec, routing, &classes, d);
    }
    if let Some(w) = &spec.workload {
        check_workload(w, &classes, d);
    }
    let mut candidate_ids = BTreeSet::new();
    for (i, cand) in spec.candidates.iter().enumerate() {
        let path = format!("candidates[{i}]");
        if !candidate_ids.insert(&cand.id) {
            d.error(&format!("{path}.id"), format!("duplicate candidate id `{}`", cand.id));
        }
        match kind_of(spec, &cand.component) {
            None => d.dangling(
                &format!("{path}.component"),
                "component",
                &cand.component,
                component_ids.iter().copied(),
            ),
            Some(ComponentKind::ModelEndpoint) => {}
            Some(k) => {
                d.error(
                    &format!("{path}.component"),
                    format!(
                        "candidate `{}` must be a model-endpoint, not a {}",
                        cand.id,
                        k.as_str()
                    ),
                );
            }
        }
    }
}

fn class_ids(spec: &DeploymentFile) -> BTreeSet<String> {
    builtin_data_classes()
        .into_iter()
        .map(|c| c.id)
        .chain(spec.data_classes.iter().map(|c| c.id.clone()))
        .collect()
}

fn kind_of(spec: &DeploymentFile, id: &str) -> Option<ComponentKind> {
    spec.components.iter().find(|(_, _, c)| c.id == id).map(|(_, _, c)| c.kind)
}

fn check_local_entries(spec: &DeploymentFile, catalog: &Catalog, d: &mut Diagnostics<'_>) {
    let mut seen = BTreeSet::new();
    for (i, op) in spec.operators.iter().enumerate() {
        let path = format!("operators[{i}].id");
        if catalog.operators.contains_key(&op.id) {
            d.error(&path, format!("operator `{}` is already in the catalog", op.id)).hint =
                Some("use the catalog entry, or give this one another id".into());
        } else if !seen.insert(op.id.as_str()) || op.id == "unknown" {
            d.error(&path, format!("duplicate or reserved operator id `{}`", op.id));
        }
    }
    let operators: BTreeSet<&str> = catalog
        .operators
        .keys()
        .map(String::as_str)
        .chain(spec.operators.iter().map(|o| o.id.as_str()))
        .collect();
    for (i, op) in spec.operators.iter().enumerate() {
        if let Known::Known(Some(parent)) = &op.parent.value {
            if !operators.contains(parent.as_str()) {
                d.dangling(
                    &format!("operators[{i}].parent"),
                    "operator",
                    parent,
                    operators.iter().copied(),
                );
            }
        }
    }
    check_parent_cycles(spec, catalog, d);

    let mut seen = BTreeSet::new();
    for (i, site) in spec.sites.iter().enumerate() {
        if catalog.sites.contains_key(&site.id) || !seen.insert(site.id.as_str()) {
            d.error(&format!("sites[{i}].id"), format!("duplicate site id `{}`", site.id));
        }
        if !operators.contains(site.operator.as_str()) {
            d.dangling(
                &format!("sites[{i}].operator"),
                "operator",
                &site.operator,
                operators.iter().copied(),
            );
        }
    }
    let sites: BTreeSet<&str> = catalog
        .sites
        .keys()
        .map(String::as_str)
        .chain(spec.sites.iter().map(|s| s.id.as_str()))
        .collect();
    let mut seen = BTreeSet::new();
    for (i, off) in spec.offerings.iter().enumerate() {
        let path = format!("offerings[{i}]");
        if catalog.offerings.contains_key(&off.id) || !seen.insert(off.id.as_str()) {
            d.error(&format!("{path}.id"), format!("duplicate offering id `{}`", off.id));
        }
        if !operators.contains(off.operator.as_str()) {
            d.dangling(
                &format!("{path}.operator"),
                "operator",
                &off.operator,
                operators.iter().copied(),
            );
        }
        for (j, s) in off.sites.iter().enumerate() {
            if !sites.contains(s.as_str()) {
                d.dangling(&format!("{path}.sites[{j}]"), "site", s, sites.iter().copied());
            }
        }
        if let Known::Known(subs) = &off.subprocessors.value {
            for (j, sub) in subs.iter().enumerate() {
                if !operators.contains(sub.operator.as_str()) {
                    d.dangling(
                        &format!("{path}.subprocessors[{j}].operator"),
                        "operator",
                        &sub.operator,
                        operators.iter().copied(),
                    );
                }
            }
        }
    }
}

fn check_parent_cycles(spec: &DeploymentFile, catalog: &Catalog, d: &mut Diagnostics<'_>) {
    for (i, op) in spec.operators.iter().enumerate() {
        let mut seen = vec![op.id.as_str()];
        let mut current = op;
        while let Known::Known(Some(parent)) = &current.parent.value {
            if seen.contains(&parent.as_str()) {
                seen.push(parent);
                d.error(
                    &format!("operators[{i}].parent"),
                    format!("operator parents form a cycle: {}", seen.join(" → ")),
                );
                break;
            }
            seen.push(parent);
            match spec.operators.iter().find(|o| &o.id == parent).or(catalog.operators.get(parent))
            {
                Some(next) => current = next,
                None => break,
            }
        }
    }
}

fn check_component(
    scope: &Scope<'_>,
    plane: Plane,
    path: &str,
    c: &ComponentSpec,
    classes: &BTreeSet<String>,
    d: &mut Diagnostics<'_>,
) {
    if c.kind.plane() != plane {
        d.error(
            &format!("{path}.kind"),
            format!("a {} belongs under `components.{}`", c.kind.as_str(), c.kind.plane().as_str()),
        );
    }
    let mut self_hosted = c.offering.is_none();
    if let Some(off_id) = &c.offering {
        match scope.offerings.get(off_id.as_str()) {
            None => d.dangling(
                &format!("{path}.offering"),
                "offering",
                off_id,
                scope.offerings.keys().copied(),
            ),
            Some((off, _)) => {
                self_hosted = off.self_hosted;
                if off.kind != c.kind {
                    d.error(
                        &format!("{path}.offering"),
                        format!(
                            "offering `{off_id}` is a {}, but the component is a {}",
                            off.kind.as_str(),
                            c.kind.as_str()
                        ),
                    );
                }
                if let Some(site) = &c.site {
                    if !off.self_hosted && !off.sites.contains(site) {
                        d.error(
                            &format!("{path}.site"),
                            format!("offering `{off_id}` is not offered at site `{site}`"),
                        )
                        .hint = Some(format!("it is offered at: {}", off.sites.join(", ")));
                    }
                }
            }
        }
    }
    if c.kind == ComponentKind::Users {
        self_hosted = false;
    }
    match &c.site {
        Some(site) if !scope.sites.contains_key(site.as_str()) => {
            d.dangling(&format!("{path}.site"), "site", site, scope.sites.keys().copied())
        }
        None if self_hosted => {
            d.error(&format!("{path}.site"), format!("component `{}` needs a `site`", c.id)).hint =
                Some("a self-hosted or inline component runs where you put it".into());
        }
        _ => {}
    }
    if let Some(op) = &c.operator {
        if !scope.operators.contains_key(op.as_str()) {
            d.dangling(
                &format!("{path}.operator"),
                "operator",
                op,
                scope.operators.keys().copied(),
            );
        }
    }
    for (i, class) in c.data_classes.iter().enumerate() {
        if !classes.contains(class) {
            d.dangling(
                &format!("{path}.data_classes[{i}]"),
                "data class",
                class,
                classes.iter().map(String::as_str),
            );
        }
    }
    if c.mcp.is_some() && c.kind != ComponentKind::McpServer {
        d.error(&format!("{path}.mcp"), "only an mcp-server has `mcp` settings");
    }
    if c.serving.is_some() && c.kind != ComponentKind::ModelEndpoint {
        d.error(&format!("{path}.serving"), "only a model-endpoint has `serving` settings");
    }
    if c.image.is_some() && c.kind != ComponentKind::Sandbox {
        d.error(
            &format!("{path}.image"),
            "only a sandbox has an `image`; a model server's goes in `serving.image`",
        );
    }
    if let Some(problem) = c.image.as_deref().and_then(crate::spec::image_digest_problem) {
        d.error(&format!("{path}.image"), problem);
    }
    if let Some(problem) = c
        .serving
        .as_ref()
        .and_then(|s| s.image.as_deref())
        .and_then(crate::spec::image_digest_problem)
    {
        d.error(&format!("{path}.serving.image"), problem);
    }
    if let Some(mcp) = &c.mcp {
        if let Some(mix) = &mcp.result_classes {
            check_mix(&format!("{path}.mcp.result_classes"), mix, classes, d);
        }
    }
    if let Some(cost) = &c.cost {
        let p = format!("{path}.cost");
        for (field, v) in [
            ("hardware", cost.hardware),
            ("power_watts", cost.power_watts),
            ("energy_per_kwh", cost.energy_per_kwh),
            ("operations_per_month", cost.operations_per_month),
        ] {
            if !v.is_finite() || v < 0.0 {
                d.error(
                    &format!("{p}.{field}"),
                    format!("`{field}` must be a number ≥ 0, found `{v}`"),
                );
            }
        }
        if cost.amortisation_months == 0 {
            d.error(
                &format!("{p}.amortisation_months"),
                "`amortisation_months` must be at least 1",
            );
        }
    }
}

fn check_links(spec: &DeploymentFile, ids: &BTreeSet<&str>, d: &mut Diagnostics<'_>) {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (i, link) in spec.links.iter().enumerate() {
        let mut ok = true;
        for (field, id) in [("from", &link.from), ("to", &link.to)] {
            if !ids.contains(id.as_str()) {
                d.dangling(&format!("links[{i}].{field}"), "component", id, ids.iter().copied());
                ok = false;
            }
        }
        if link.from == link.to {
            d.error(&format!("links[{i}]"), format!("component `{}` links to itself", link.from));
            ok = false;
        }
        if !seen.insert((&link.from, &link.to)) {
            d.error(
                &format!("links[{i}]"),
                format!("link `{}` → `{}` is given twice", link.from, link.to),
            );
        }
        if ok {
            graph.entry(&link.from).or_default().push(&link.to);
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        let first = spec.links.iter().position(|l| l.from == cycle[0]).unwrap_or(0);
        d.error(&format!("links[{first}]"), format!("links form a cycle: {}", cycle.join(" → ")))
            .hint = Some("links are calls; the response travels back on the same link".into());
    }
}

/// A cycle in the call graph, as the list of ids from its start back to its start.
fn find_cycle<'a>(graph: &BTreeMap<&'a str, Vec<&'a str>>) -> Option<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit<'a>(
        n: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        marks: &mut BTreeMap<&'a str, Mark>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        marks.insert(n, Mark::Open);
        stack.push(n);
        for &next in graph.get(n).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let start = stack.iter().position(|&s| s == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next);
                    return Some(cycle);
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(c) = visit(next, graph, marks, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        marks.insert(n, Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for &n in graph.keys() {
        if !marks.contains_key(n) {
            if let Some(c) = visit(n, graph, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn check_routing(
    spec: &DeploymentFile,
    routing: &RoutingSpec,
    classes: &BTreeSet<String>,
    d: &mut Diagnostics<'_>,
) {
    let ids = || spec.components.iter().map(|(_, _, c)| c.id.as_str()).collect::<Vec<_>>();
    let expect_kind = |d: &mut Diagnostics<'_>, path: &str, id: &str, kind: ComponentKind| {
        match kind_of(spec, id) {
            None => d.dangling(path, "component", id, ids().into_iter()),
            Some(k) if k != kind => {
                d.error(path, format!("`{id}` is a {}, expected a {}", k.as_str(), kind.as_str()));
            }
            Some(_) => {}
        }
    };
    expect_kind(d, "routing.router", &routing.router, ComponentKind::Router);
    if let Some(cl) = &routing.classifier {
        expect_kind(d, "routing.classifier.component", &cl.component, ComponentKind::ModelEndpoint);
        for (field, v) in [
            ("false_negative_rate", cl.false_negative_rate),
            ("false_positive_rate", cl.false_positive_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                d.error(
                    &format!("routing.classifier.{field}"),
                    format!("`{field}` must be between 0 and 1, found `{v}`"),
                );
            }
        }
    }
    let mut route_ids = BTreeSet::new();
    for (i, route) in routing.routes.iter().enumerate() {
        let path = format!("routing.routes[{i}]");
        if !route_ids.insert(route.id.as_str()) {
            d.error(&format!("{path}.id"), format!("duplicate route id `{}`", route.id));
        }
        if route.models.is_empty() {
            d.error(&format!("{path}.models"), format!("route `{}` sends to no model", route.id));
        }
        for (j, m) in route.models.iter().enumerate() {
            expect_kind(d, &format!("{path}.models[{j}]"), m, ComponentKind::ModelEndpoint);
        }
        for (j, m) in route.fallbacks.iter().enumerate() {
            expect_kind(d, &format!("{path}.fallbacks[{j}]"), m, ComponentKind::ModelEndpoint);
        }
        for (j, c) in route.classes.iter().enumerate() {
            if !classes.contains(c) {
                d.dangling(
                    &format!("{path}.classes[{j}]"),
                    "data class",
                    c,
                    classes.iter().map(String::as_str),
                );
            }
        }
    }
    if !route_ids.contains(routing.default.as_str()) {
        d.dangling("routing.default", "route", &routing.default, route_ids.iter().copied());
    }
}

fn check_workload(w: &WorkloadSpec, classes: &BTreeSet<String>, d: &mut Diagnostics<'_>) {
    let dists = [
        ("workload.sessions_per_day", &w.sessions_per_day, 1e7),
        ("workload.turns_per_session", &w.turns_per_session, 1e4),
        ("workload.tool_calls_per_turn", &w.tool_calls_per_turn, 1e3),
        ("workload.tokens.prompt", &w.tokens.prompt, 1e7),
        ("workload.tokens.completion", &w.tokens.completion, 1e7),
        ("workload.tokens.tool_call", &w.tokens.tool_call, 1e7),
        ("workload.tokens.tool_result", &w.tokens.tool_result, 1e7),
    ];
    for (path, dist, ceiling) in dists {
        if let Err(msg) = check_dist(dist, ceiling) {
            d.error(path, msg);
        }
    }
    if mean_of(&w.sessions_per_day) <= 0.0 {
        d.error("workload.sessions_per_day", "`sessions_per_day` must be above 0").hint =
            Some("a deployment nobody uses has nothing to simulate".into());
    }
    if mean_of(&w.turns_per_session) < 1.0 {
        d.error("workload.turns_per_session", "`turns_per_session` must average at least 1");
    }
    if let Some(b) = w.bytes_per_token {
        if !(b.is_finite() && b > 0.0 && b <= 64.0) {
            d.error(
                "workload.bytes_per_token",
                format!("`bytes_per_token` must be in (0, 64], found `{b}`"),
            );
        }
    }
    check_mix("workload.prompt_classes", &w.prompt_classes, classes, d);
    check_mix("workload.tool_result_classes", &w.tool_result_classes, classes, d);
}

fn check_mix(
    path: &str,
    mix: &BTreeMap<String, f64>,
    classes: &BTreeSet<String>,
    d: &mut Diagnostics<'_>,
) {
    let mut sum = 0.0;
    for (class, share) in mix {
        if !classes.contains(class) {
            d.dangling(
                &format!("{path}.{class}"),
                "data class",
                class,
                classes.iter().map(String::as_str),
            );
        }
        if !(share.is_finite() && (0.0..=1.0).contains(share)) {
            d.error(
                &format!("{path}.{class}"),
                format!("a share must be between 0 and 1, found `{share}`"),
            );
        }
        sum += share;
    }
    if mix.is_empty() || (sum - 1.0).abs() > 1e-6 {
        d.error(path, format!("the shares must add up to 1, they add up to {sum}"));
    }
}

/// The mean a distribution would have, for sanity checks.
pub fn mean_of(dist: &DistSpec) -> f64 {
    match dist {
        DistSpec::Constant(v) => *v,
        DistSpec::Dist(p) => match p.dist {
            DistKind::Constant => p.value.unwrap_or(f64::NAN),
            DistKind::Uniform => (p.min.unwrap_or(f64::NAN) + p.max.unwrap_or(f64::NAN)) / 2.0,
            DistKind::Normal | DistKind::Lognormal | DistKind::Poisson => {
                p.mean.unwrap_or(f64::NAN)
            }
        },
    }
}

fn check_dist(dist: &DistSpec, ceiling: f64) -> Result<(), String> {
    let ok = |v: f64, name: &str| -> Result<(), String> {
        if !v.is_finite() || v < 0.0 {
            Err(format!("`{name}` must be a number ≥ 0, found `{v}`"))
        } else if v > ceiling {
            Err(format!("`{name}` = {v} is beyond what this field can mean (at most {ceiling})"))
        } else {
            Ok(())
        }
    };
    let need = |v: Option<f64>, name: &str, kind: &str| -> Result<f64, String> {
        v.ok_or_else(|| format!("a {kind} distribution needs `{name}`"))
    };
    match dist {
        DistSpec::Constant(v) => ok(*v, "value"),
        DistSpec::Dist(p) => {
            let extra = |allowed: &[&str]| -> Result<(), String> {
                let given = [
                    ("value", p.value),
                    ("min", p.min),
                    ("max", p.max),
                    ("mean", p.mean),
                    ("sd", p.sd),
                ];
                for (name, v) in given {
                    if v.is_some() && !allowed.contains(&name) {
                        return Err(format!(
                            "`{name}` does not apply to this distribution; it takes {}",
                            allowed.join(", ")
                        ));
                    }
                }
                Ok(())
            };
            match p.dist {
                DistKind::Constant => {
                    extra(&["value"])?;
                    ok(need(p.value, "value", "constant")?, "value")
                }
                DistKind::Uniform => {
                    extra(&["min", "max"])?;
                    let (lo, hi) = (need(p.min, "min", "uniform")?, need(p.max, "max", "uniform")?);
                    ok(lo, "min")?;
                    ok(hi, "max")?;
                    if lo > hi {
                        return Err(format!("`min` ({lo}) is above `max` ({hi})"));
                    }
                    Ok(())
                }
                DistKind::Normal | DistKind::Lognormal => {
                    extra(&["mean", "sd", "min", "max"])?;
                    ok(need(p.mean, "mean", "normal")?, "mean")?;
                    ok(need(p.sd, "sd", "normal")?, "sd")
                }
                DistKind::Poisson => {
                    extra(&["mean"])?;
                    ok(need(p.mean, "mean", "poisson")?, "mean")
                }
            }
        }
    }
}

// ----- resolution -----

fn component(scope: &Scope<'_>, plane: Plane, c: &ComponentSpec) -> Component {
    let offering = c.offering.as_deref().and_then(|id| scope.offerings.get(id)).copied();
    let self_hosted = offering.is_none_or(|(o, _)| o.self_hosted) && c.kind != ComponentKind::Users;
    let site_id = c.site.clone().or_else(|| offering.and_then(|(o, _)| o.sites.first().cloned()));
    let site = site_id.as_deref().and_then(|id| scope.sites.get(id)).map(|s| SiteRef {
        id: s.id.clone(),
        name: s.name.clone(),
        kind: s.kind,
        country: s.country.value.clone(),
        region: s.region.clone(),
        operator: s.operator.clone(),
    });

    let chain = operator_chain(scope, c, offering.map(|(o, _)| o), self_hosted, site.as_ref());
    let site_countries = site.iter().filter_map(|s| s.country.known().cloned());
    let jurisdictions = jurisdictions_of(
        chain.entities.iter().filter_map(|e| e.country.known().cloned()).chain(site_countries),
    );
    let exposure = scope
        .catalog
        .compelled_access_laws()
        .map(|law| exposure_for(law, &chain, site.as_ref(), offering.map(|(o, _)| o), scope))
        .collect();

    let visibility = match (c.visibility, offering.and_then(|(o, _)| o.visibility.as_ref())) {
        (Some(v), _) => {
            VisibilityFinding { value: Known::Known(v), basis: "own-choice", sources: vec![] }
        }
        (None, Some(f)) => VisibilityFinding {
            value: f.value.clone(),
            basis: "offering",
            sources: f.sources.clone(),
        },
        (None, None) => {
            VisibilityFinding { value: Known::Unknown, basis: "unknown", sources: vec![] }
        }
    };
    let certifications = match offering {
        Some((o, _)) if !o.self_hosted => o.certifications.value.clone(),
        // Self-hosted: the site's own certifications are the deployment's business; none claimed.
        _ => Known::Known(vec![]),
    };

    Component {
        id: c.id.clone(),
        name: c
            .name
            .clone()
            .or_else(|| offering.map(|(o, _)| o.name.clone()))
            .unwrap_or_else(|| c.id.clone()),
        plane,
        kind: c.kind,
        offering: offering.map(|(o, origin)| OfferingRef {
            id: o.id.clone(),
            name: o.name.clone(),
            origin,
            api: o.api,
        }),
        model: c.model.clone().or_else(|| offering.and_then(|(o, _)| o.model.clone())),
        self_hosted,
        site,
        operator_chain: chain.entities,
        jurisdictions,
        exposure,
        visibility,
        certifications,
        retention: offering.and_then(|(o, _)| o.retention.as_ref().map(|r| r.value.clone())),
        data_classes: c.data_classes.clone(),
        latency: c.latency.clone().or_else(|| offering.and_then(|(o, _)| o.latency.clone())),
        price: c.price.clone().or_else(|| offering.and_then(|(o, _)| o.price.clone())),
        cost: c.cost.clone(),
        mcp: c.mcp.clone(),
        serving: c.serving.clone(),
        image: c.image.clone(),
    }
}

struct Chain {
    entities: Vec<ChainEntity>,
    /// Facts that keep the chain from being complete, with the entity they concern.
    gaps: Vec<String>,
    /// Sites of subprocessors, for transit reasoning.
    extra_sites: Vec<(String, Known<String>)>,
}

fn operator_chain(
    scope: &Scope<'_>,
    c: &ComponentSpec,
    offering: Option<&OfferingSpec>,
    self_hosted: bool,
    site: Option<&SiteRef>,
) -> Chain {
    let mut chain = Chain { entities: vec![], gaps: vec![], extra_sites: vec![] };
    let mut roots: Vec<(String, ChainRole)> = Vec::new();
    if let Some(op) = &c.operator {
        roots.push((op.clone(), ChainRole::Operator));
    } else if let (Some(o), false) = (offering, self_hosted) {
        roots.push((o.operator.clone(), ChainRole::Operator));
    }
    if let Some(s) = site {
        if !roots.iter().any(|(id, _)| id == &s.operator) {
            roots.push((s.operator.clone(), ChainRole::SiteOperator));
        }
    }
    if let (Some(o), false) = (offering, self_hosted) {
        match &o.subprocessors.value {
            Known::Unknown => {
                chain.gaps.push(format!("the subprocessors of `{}` are not established", o.name))
            }
            Known::Known(subs) => {
                for sub in subs {
                    roots.push((
                        sub.operator.clone(),
                        ChainRole::Subprocessor { role: sub.role.clone() },
                    ));
                    if let Some(site) = sub.site.as_deref().and_then(|s| scope.sites.get(s)) {
                        chain.extra_sites.push((site.name.clone(), site.country.value.clone()));
                    }
                }
            }
        }
    }

    let mut seen = BTreeSet::new();
    for (id, role) in roots {
        let mut current = Some((id, role));
        while let Some((id, role)) = current.take() {
            if !seen.insert(id.clone()) || chain.entities.len() > 64 {
                break;
            }
            let Some(op) = scope.operators.get(id.as_str()) else { break };
            let mut sources = op.country.sources.clone();
            if let ChainRole::Parent { .. } = role {
                // The parent link's own sources come first: they are what puts it in the chain.
                let child =
                    chain.entities.last().and_then(|e| scope.operators.get(e.operator.as_str()));
                if let Some(child) = child {
                    let mut s = child.parent.sources.clone();
                    s.extend(sources);
                    sources = s;
                }
            }
            chain.entities.push(ChainEntity {
                operator: op.id.clone(),
                name: op.name.clone(),
                country: op.country.value.clone(),
                role,
                sources: dedup(sources),
                confidence: op.country.confidence.min(op.parent.confidence),
            });
            match &op.parent.value {
                Known::Known(Some(parent)) => {
                    current = Some((parent.clone(), ChainRole::Parent { of: op.id.clone() }));
                }
                Known::Known(None) => {}
                Known::Unknown => {
                    chain.gaps.push(format!("the parent of `{}` is not established", op.name))
                }
            }
            if op.country.value == Known::Unknown {
                chain.gaps.push(format!("the country of `{}` is not established", op.name));
            }
        }
    }
    chain
}

fn dedup(sources: Vec<Source>) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    for s in sources {
        if !out.iter().any(|o| o.url == s.url) {
            out.push(s);
        }
    }
    out
}

fn describe_role(e: &ChainEntity, scope: &Scope<'_>) -> String {
    let name = |id: &str| scope.operators.get(id).map_or(id.to_string(), |o| o.name.clone());
    match &e.role {
        ChainRole::Operator => "operates the service".into(),
        ChainRole::SiteOperator => "runs the site".into(),
        ChainRole::Parent { of } => format!("controls `{}`", name(of)),
        ChainRole::Subprocessor { role } => format!("is a subprocessor ({role})"),
    }
}

fn exposure_for(
    law: &LawSpec,
    chain: &Chain,
    site: Option<&SiteRef>,
    offering: Option<&OfferingSpec>,
    scope: &Scope<'_>,
) -> Exposure {
    let (status, reasons) = match law.reach {
        LawReach::OperatorChain | LawReach::None => chain_exposure(law, chain, site, scope),
        LawReach::Transit => transit_exposure(chain, site, offering, scope),
    };
    Exposure {
        law: law.id.clone(),
        law_name: law.name.clone(),
        jurisdiction: law.jurisdiction.clone(),
        status,
        reasons,
    }
}

fn chain_exposure(
    law: &LawSpec,
    chain: &Chain,
    site: Option<&SiteRef>,
    scope: &Scope<'_>,
) -> (ExposureStatus, Vec<Reason>) {
    let j = law.jurisdiction.as_str();
    let hits: Vec<&ChainEntity> =
        chain.entities.iter().filter(|e| e.country.known().is_some_and(|c| c == j)).collect();
    if !hits.is_empty() {
        let mut reasons: Vec<Reason> = hits
            .iter()
            .map(|e| Reason {
                text: format!("`{}` ({j}) {}", e.name, describe_role(e, scope)),
                sources: e.sources.clone(),
            })
            .collect();
        if let Some(country) = site.and_then(|s| s.country.known()).filter(|c| c.as_str() != j) {
            reasons.push(Reason {
                text: format!(
                    "the site is in {country}, which does not change this: the law reaches data \
                     that a {j} entity controls, wherever it is stored"
                ),
                sources: law.sources.clone(),
            });
        }
        return (ExposureStatus::Exposed, reasons);
    }
    if !chain.gaps.is_empty() {
        let reasons =
            chain.gaps.iter().map(|g| Reason { text: g.clone(), sources: vec![] }).collect();
        return (ExposureStatus::Unknown, reasons);
    }
    if chain.entities.is_empty() {
        let text = "no operator is known for this component".to_string();
        return (ExposureStatus::Unknown, vec![Reason { text, sources: vec![] }]);
    }
    let names: Vec<String> =
        chain.entities.iter().map(|e| format!("`{}` ({})", e.name, e.country)).collect();
    let text = format!("no entity in the chain is under {j} law: {}", names.join(", "));
    let sources = dedup(chain.entities.iter().flat_map(|e| e.sources.clone()).collect());
    (ExposureStatus::NotExposed, vec![Reason { text, sources }])
}

/// EO 12333 does not compel providers; it covers collection outside the US, notably on
/// international links. The model marks a component exposed when reaching it takes data
/// outside the EU/EEA, and says so, rather than marking EU operators by nationality.
fn transit_exposure(
    chain: &Chain,
    site: Option<&SiteRef>,
    offering: Option<&OfferingSpec>,
    scope: &Scope<'_>,
) -> (ExposureStatus, Vec<Reason>) {
    let mut places: Vec<(String, Known<String>)> = Vec::new();
    if let Some(s) = site {
        places.push((s.name.clone(), s.country.clone()));
    } else if let Some(o) = offering {
        for sid in &o.sites {
            if let Some(s) = scope.sites.get(sid.as_str()) {
                places.push((s.name.clone(), s.country.value.clone()));
            }
        }
    }
    places.extend(chain.extra_sites.iter().cloned());
    let outside: Vec<String> = places
        .iter()
        .filter_map(|(name, c)| {
            c.known().filter(|c| !in_eu_eea(c)).map(|c| format!("`{name}` ({c})"))
        })
        .collect();
    if !outside.is_empty() {
        let text = format!(
            "data reaches {} outside the EU/EEA, over international links where this order \
             authorises collection without a provider's help",
            outside.join(", ")
        );
        return (ExposureStatus::Exposed, vec![Reason { text, sources: vec![] }]);
    }
    let unknown: Vec<&String> =
        places.iter().filter(|(_, c)| *c == Known::Unknown).map(|(n, _)| n).collect();
    if places.is_empty() || !unknown.is_empty() {
        let text = if places.is_empty() {
            "where this component processes data is not established".to_string()
        } else {
            format!(
                "the country of {} is not established",
                unknown.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            )
        };
        return (ExposureStatus::Unknown, vec![Reason { text, sources: vec![] }]);
    }
    // Subprocessors nobody has established (a sandbox's control plane, a model host) may take
    // the data elsewhere: an EU site alone does not show that nothing leaves the EU/EEA.
    let open =
        offering.filter(|o| !o.self_hosted && matches!(o.subprocessors.value, Known::Unknown));
    if let Some(o) = open {
        let text = format!(
            "the subprocessors of `{}` are not established, so where its data travels is not known",
            o.name
        );
        return (ExposureStatus::Unknown, vec![Reason { text, sources: vec![] }]);
    }
    let text = "every site is in the EU/EEA; this order compels no provider, and no transit \
                outside the EU/EEA is modelled for this component"
        .to_string();
    (ExposureStatus::NotExposed, vec![Reason { text, sources: vec![] }])
}
