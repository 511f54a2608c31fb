//! The composition editor's edits: the deployment text is the source of truth, and each edit
//! is text in, text out. [`apply`] parses the text with `triplane-model`, changes the spec,
//! writes it back with `triplane_model::save` and checks the result exactly as `triplane check`
//! does, so the editor shows the same positioned messages as the CLI.
//!
//! Two kinds of failure are kept apart. An edit that cannot be made (an unknown component, a
//! link given twice, a value the file format cannot hold) is an `invalid` [`ApiError`] with a
//! positioned diagnostic, and the caller keeps its text. An edit that can be written but leaves
//! the deployment with problems (a self-hosted sandbox without a site, an unknown data class)
//! returns the new text with the diagnostics of `triplane check` on it.
//!
//! The view built here comes from the spec, not the resolved model, so it exists for a text
//! that does not resolve yet: that is the state an editor spends most of its time in.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use triplane_model::yaml::{self, Positions};
use triplane_model::{
    ComponentKind, ComponentSpec, DeploymentFile, Diagnostic, LinkSpec, LoadError, Plane,
    RoutingSpec, Visibility, WorkloadSpec,
};

use crate::deployment::{catalog, example_text};
use crate::view::DiagnosticView;
use crate::ApiError;

/// A lane of the editor: the three planes, the connectivity between them, and the users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ComposeLane {
    Users,
    Orchestration,
    Inference,
    Connectivity,
    Execution,
}

impl ComposeLane {
    fn plane(self) -> Plane {
        match self {
            ComposeLane::Users => Plane::Users,
            ComposeLane::Orchestration => Plane::Orchestration,
            ComposeLane::Inference => Plane::Inference,
            ComposeLane::Connectivity => Plane::Connectivity,
            ComposeLane::Execution => Plane::Execution,
        }
    }

    fn of(plane: Plane) -> ComposeLane {
        match plane {
            Plane::Users => ComposeLane::Users,
            Plane::Orchestration => ComposeLane::Orchestration,
            Plane::Inference => ComposeLane::Inference,
            Plane::Connectivity => ComposeLane::Connectivity,
            Plane::Execution => ComposeLane::Execution,
        }
    }
}

/// A component's field that holds one piece of text (or nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ComposeField {
    Name,
    Offering,
    Site,
    Operator,
    Model,
    /// `black-box`, `partial-logs` or `full-reproducibility`.
    Visibility,
    Note,
}

impl ComposeField {
    fn key(self) -> &'static str {
        match self {
            ComposeField::Name => "name",
            ComposeField::Offering => "offering",
            ComposeField::Site => "site",
            ComposeField::Operator => "operator",
            ComposeField::Model => "model",
            ComposeField::Visibility => "visibility",
            ComposeField::Note => "note",
        }
    }
}

/// A section of the file edited as a YAML fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ComposeSection {
    Routing,
    Workload,
}

/// One change to a deployment. Component ids are the file's `id`s.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "edit", rename_all = "kebab-case")]
pub enum ComposeEdit {
    /// A component of a catalog or project-local offering, in `lane` (which must be the
    /// offering kind's plane). Its id is the offering's, made unique.
    AddOffering {
        lane: ComposeLane,
        offering: String,
    },
    /// A project-local component without an offering (its site and operator are set after).
    AddLocal {
        lane: ComposeLane,
        kind: String,
        id: Option<String>,
    },
    /// Removes a component, its links and the benchmark candidates attached to it. Routing
    /// references stay, so `triplane check` names them.
    Remove {
        id: String,
    },
    Link {
        from: String,
        to: String,
    },
    Unlink {
        from: String,
        to: String,
    },
    /// Sets (or with `null`, removes) one text field of a component.
    SetField {
        id: String,
        field: ComposeField,
        value: Option<String>,
    },
    SetDataClasses {
        id: String,
        classes: Vec<String>,
    },
    /// Renames a component and every reference to it (links, routing, candidates).
    Rename {
        id: String,
        to: String,
    },
    SetPolicies {
        policies: Vec<String>,
    },
    /// Replaces `routing` or `workload` with a YAML fragment (`null` removes the section).
    SetSection {
        section: ComposeSection,
        yaml: Option<String>,
    },
}

/// A deployment as the editor shows it, with the problems `triplane check` finds in it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Composition {
    /// The deployment's YAML: the source of truth.
    pub text: String,
    /// `null` when the text cannot be read as a deployment at all (its diagnostics say why).
    pub view: Option<ComposeView>,
    /// What `triplane check` reports on `text`; empty when it is valid.
    pub diagnostics: Vec<DiagnosticView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComposeView {
    pub name: String,
    pub components: Vec<ComposeComponent>,
    pub links: Vec<ComposeLink>,
    pub policies: Vec<String>,
    /// The `routing` and `workload` sections as YAML fragments, for editing as text.
    pub routing: Option<String>,
    pub workload: Option<String>,
    /// What the side panel offers in its lists.
    pub sites: Vec<ComposeChoice>,
    pub operators: Vec<ComposeChoice>,
    pub data_classes: Vec<ComposeChoice>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComposeComponent {
    pub id: String,
    /// The field path of the component in the file, `components.inference[0]`; diagnostics
    /// whose path starts with it belong to this component.
    pub path: String,
    pub lane: ComposeLane,
    pub kind: String,
    pub name: Option<String>,
    pub offering: Option<String>,
    /// The offering's name, when the offering exists.
    pub offering_name: Option<String>,
    pub self_hosted: bool,
    pub site: Option<String>,
    pub operator: Option<String>,
    pub model: Option<String>,
    pub data_classes: Vec<String>,
    pub visibility: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComposeLink {
    pub from: String,
    pub to: String,
    /// `links[2]`.
    pub path: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComposeChoice {
    pub id: String,
    pub name: String,
}

/// The composition of deployment text, or of a bundled example's text when `text` is `None`
/// (then `name` must be `example:ID`). Text that does not parse is a composition without a
/// view, not an error: the editor shows its diagnostics and the text.
pub fn open(name: &str, text: Option<&str>) -> Result<Composition, ApiError> {
    let text = match text {
        Some(t) => t.to_string(),
        None => match name.strip_prefix("example:") {
            Some(id) => example_text(id)?.to_string(),
            None => {
                return Err(ApiError::usage(format!(
                    "the text of `{name}` is not held by the editor; open it from a file"
                )))
            }
        },
    };
    match triplane_model::parse_bytes(name, text.as_bytes()) {
        Ok((spec, _)) => compose(name, text, &spec),
        Err(e) => Ok(Composition { text, view: None, diagnostics: diagnostics_of(e)? }),
    }
}

/// Applies one edit to deployment text; see the module documentation for what fails and what
/// returns diagnostics.
pub fn apply(name: &str, text: &str, edit: &ComposeEdit) -> Result<Composition, ApiError> {
    let (mut spec, positions) =
        triplane_model::parse_bytes(name, text.as_bytes()).map_err(|e| {
            match ApiError::from(e) {
                mut err if err.code == crate::ErrorCode::Invalid => {
                    err.message = format!("`{name}` cannot be edited until it reads as YAML again");
                    err
                }
                err => err,
            }
        })?;
    let at = At { file: name, positions: &positions };
    edit_spec(&mut spec, edit, &at).map_err(|d| {
        let message = d.message.clone();
        ApiError::invalid(format!("the edit was not made: {message}"), vec![d])
    })?;
    let new_text = triplane_model::save(&spec);
    compose(name, new_text, &spec)
}

/// Positions of the text being edited, for the errors of edits that cannot be made.
struct At<'a> {
    file: &'a str,
    positions: &'a Positions,
}

impl At<'_> {
    fn error(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file, self.positions.get(path), path, message)
    }
}

fn compose(name: &str, text: String, spec: &DeploymentFile) -> Result<Composition, ApiError> {
    let diagnostics = match triplane_model::load_bytes(name, text.as_bytes(), catalog()?) {
        Ok(_) => vec![],
        Err(e) => diagnostics_of(e)?,
    };
    Ok(Composition { view: Some(view_of(spec)?), text, diagnostics })
}

fn diagnostics_of(e: LoadError) -> Result<Vec<DiagnosticView>, ApiError> {
    match e {
        LoadError::Invalid { diagnostics, .. } => {
            Ok(diagnostics.iter().map(DiagnosticView::from).collect())
        }
        io => Err(io.into()),
    }
}

fn view_of(spec: &DeploymentFile) -> Result<ComposeView, ApiError> {
    let cat = catalog()?;
    let offering =
        |id: &str| spec.offerings.iter().find(|o| o.id == id).or_else(|| cat.offerings.get(id));
    let components = spec
        .components
        .iter()
        .map(|(plane, path, c)| {
            let off = c.offering.as_deref().and_then(offering);
            ComposeComponent {
                id: c.id.clone(),
                path,
                lane: ComposeLane::of(plane),
                kind: c.kind.as_str().to_string(),
                name: c.name.clone(),
                offering: c.offering.clone(),
                offering_name: off.map(|o| o.name.clone()),
                self_hosted: off.is_some_and(|o| o.self_hosted),
                site: c.site.clone(),
                operator: c.operator.clone(),
                model: c.model.clone(),
                data_classes: c.data_classes.clone(),
                visibility: c.visibility.map(|v| v.as_str().to_string()),
                note: c.note.clone(),
            }
        })
        .collect();
    let links = spec
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| ComposeLink {
            from: l.from.clone(),
            to: l.to.clone(),
            path: format!("links[{i}]"),
        })
        .collect();

    let choice =
        |id: &str, name: &str| ComposeChoice { id: id.to_string(), name: name.to_string() };
    let mut sites: Vec<ComposeChoice> = spec.sites.iter().map(|s| choice(&s.id, &s.name)).collect();
    sites.extend(cat.sites.values().map(|s| choice(&s.id, &s.name)));
    let mut operators: Vec<ComposeChoice> =
        spec.operators.iter().map(|o| choice(&o.id, &o.name)).collect();
    operators.extend(cat.operators.values().map(|o| choice(&o.id, &o.name)));
    let mut data_classes: Vec<ComposeChoice> =
        triplane_model::builtin_data_classes().iter().map(|c| choice(&c.id, &c.name)).collect();
    data_classes.extend(spec.data_classes.iter().map(|c| choice(&c.id, &c.name)));

    Ok(ComposeView {
        name: spec.name.clone(),
        components,
        links,
        policies: spec.policies.clone(),
        routing: spec.routing.as_ref().map(fragment).transpose()?,
        workload: spec.workload.as_ref().map(fragment).transpose()?,
        sites,
        operators,
        data_classes,
    })
}

fn fragment<T: Serialize>(section: &T) -> Result<String, ApiError> {
    let value = serde_json::to_value(section)
        .map_err(|e| ApiError::runtime(format!("cannot write a section as YAML: {e}")))?;
    Ok(yaml::emit(&value))
}

fn edit_spec(spec: &mut DeploymentFile, edit: &ComposeEdit, at: &At<'_>) -> Result<(), Diagnostic> {
    match edit {
        ComposeEdit::AddOffering { lane, offering } => add_offering(spec, *lane, offering, at),
        ComposeEdit::AddLocal { lane, kind, id } => add_local(spec, *lane, kind, id.as_deref(), at),
        ComposeEdit::Remove { id } => {
            let (plane, index) = find(spec, id, at)?;
            spec.components.lane_mut(plane).remove(index);
            spec.links.retain(|l| &l.from != id && &l.to != id);
            spec.candidates.retain(|c| &c.component != id);
            Ok(())
        }
        ComposeEdit::Link { from, to } => link(spec, from, to, at),
        ComposeEdit::Unlink { from, to } => {
            match spec.links.iter().position(|l| &l.from == from && &l.to == to) {
                Some(i) => {
                    spec.links.remove(i);
                    Ok(())
                }
                None => Err(at.error("links", format!("there is no link `{from}` → `{to}`"))),
            }
        }
        ComposeEdit::SetField { id, field, value } => set_field(spec, id, *field, value, at),
        ComposeEdit::SetDataClasses { id, classes } => {
            let (plane, index) = find(spec, id, at)?;
            let classes: Vec<String> =
                classes.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
            spec.components.lane_mut(plane)[index].data_classes = classes;
            Ok(())
        }
        ComposeEdit::Rename { id, to } => rename(spec, id, to, at),
        ComposeEdit::SetPolicies { policies } => {
            spec.policies =
                policies.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
            Ok(())
        }
        ComposeEdit::SetSection { section, yaml } => {
            set_section(spec, *section, yaml.as_deref(), at)
        }
    }
}

/// The lane and index of component `id`.
fn find(spec: &DeploymentFile, id: &str, at: &At<'_>) -> Result<(Plane, usize), Diagnostic> {
    for plane in Plane::ALL {
        let list = match plane {
            Plane::Users => &spec.components.users,
            Plane::Orchestration => &spec.components.orchestration,
            Plane::Inference => &spec.components.inference,
            Plane::Connectivity => &spec.components.connectivity,
            Plane::Execution => &spec.components.execution,
        };
        if let Some(i) = list.iter().position(|c| c.id == id) {
            return Ok((plane, i));
        }
    }
    let ids: Vec<String> = spec.components.iter().map(|(_, _, c)| c.id.clone()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut d = at.error("components", format!("there is no component `{id}`"));
    d.hint = yaml::did_you_mean(id, &ids).map(|s| format!("did you mean `{s}`?"));
    Err(d)
}

fn path_of(plane: Plane, index: usize) -> String {
    format!("components.{}[{index}]", plane.as_str())
}

/// `base`, or `base-2`, `base-3`, … : the first id no component has.
fn unique_id(spec: &DeploymentFile, base: &str) -> String {
    let taken: BTreeSet<String> = spec.components.iter().map(|(_, _, c)| c.id.clone()).collect();
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base}-{n}")).find(|id| !taken.contains(id)).expect("an unused id")
}

fn lane_error(at: &At<'_>, kind: ComponentKind, lane: ComposeLane) -> Diagnostic {
    let mut d = at.error(
        &format!("components.{}", lane.plane().as_str()),
        format!("a {} does not go in the {} lane", kind.as_str(), lane.plane().as_str()),
    );
    d.hint = Some(format!("it belongs in the {} lane", kind.plane().as_str()));
    d
}

fn add_offering(
    spec: &mut DeploymentFile,
    lane: ComposeLane,
    offering: &str,
    at: &At<'_>,
) -> Result<(), Diagnostic> {
    let cat = catalog().map_err(|e| at.error("", e.message))?;
    let off =
        spec.offerings.iter().find(|o| o.id == offering).or_else(|| cat.offerings.get(offering));
    let Some(off) = off else {
        let mut known: Vec<&str> = cat.offerings.keys().map(String::as_str).collect();
        known.extend(spec.offerings.iter().map(|o| o.id.as_str()));
        let mut d = at.error("components", format!("unknown offering `{offering}`"));
        d.hint = yaml::did_you_mean(offering, &known).map(|s| format!("did you mean `{s}`?"));
        return Err(d);
    };
    if off.kind.plane() != lane.plane() {
        return Err(lane_error(at, off.kind, lane));
    }
    let component = ComponentSpec {
        id: unique_id(spec, offering),
        kind: off.kind,
        offering: Some(offering.to_string()),
        ..blank(off.kind)
    };
    spec.components.lane_mut(lane.plane()).push(component);
    Ok(())
}

fn add_local(
    spec: &mut DeploymentFile,
    lane: ComposeLane,
    kind: &str,
    id: Option<&str>,
    at: &At<'_>,
) -> Result<(), Diagnostic> {
    let lane_path = format!("components.{}", lane.plane().as_str());
    let kind: ComponentKind = serde_json::from_value(serde_json::Value::String(kind.to_string()))
        .map_err(|_| {
        let mut d = at.error(&lane_path, format!("unknown component kind `{kind}`"));
        d.hint = Some(
            "expected model-endpoint, orchestrator, router, gateway, tunnel, sandbox, \
                 mcp-server, data-store or users"
                .into(),
        );
        d
    })?;
    if kind.plane() != lane.plane() {
        return Err(lane_error(at, kind, lane));
    }
    let id = match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) if spec.components.iter().any(|(_, _, c)| c.id == id) => {
            return Err(at.error(&lane_path, format!("a component `{id}` already exists")))
        }
        Some(id) => id.to_string(),
        None => unique_id(spec, kind.as_str()),
    };
    spec.components.lane_mut(lane.plane()).push(ComponentSpec { id, ..blank(kind) });
    Ok(())
}

fn blank(kind: ComponentKind) -> ComponentSpec {
    ComponentSpec {
        id: String::new(),
        name: None,
        kind,
        offering: None,
        site: None,
        operator: None,
        model: None,
        data_classes: vec![],
        visibility: None,
        latency: None,
        price: None,
        mcp: None,
        serving: None,
        image: None,
        cost: None,
        note: None,
    }
}

fn link(spec: &mut DeploymentFile, from: &str, to: &str, at: &At<'_>) -> Result<(), Diagnostic> {
    find(spec, from, at)?;
    find(spec, to, at)?;
    if from == to {
        return Err(at.error("links", format!("component `{from}` cannot call itself")));
    }
    if let Some(i) = spec.links.iter().position(|l| l.from == from && l.to == to) {
        return Err(at.error(&format!("links[{i}]"), format!("`{from}` already calls `{to}`")));
    }
    spec.links.push(LinkSpec { from: from.to_string(), to: to.to_string() });
    Ok(())
}

fn set_field(
    spec: &mut DeploymentFile,
    id: &str,
    field: ComposeField,
    value: &Option<String>,
    at: &At<'_>,
) -> Result<(), Diagnostic> {
    let (plane, index) = find(spec, id, at)?;
    let path = format!("{}.{}", path_of(plane, index), field.key());
    let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let c = &mut spec.components.lane_mut(plane)[index];
    match field {
        ComposeField::Name => c.name = value,
        ComposeField::Offering => c.offering = value,
        ComposeField::Site => c.site = value,
        ComposeField::Operator => c.operator = value,
        ComposeField::Model => c.model = value,
        ComposeField::Note => c.note = value,
        ComposeField::Visibility => {
            c.visibility = match value.as_deref() {
                None => None,
                Some("black-box") => Some(Visibility::BlackBox),
                Some("partial-logs") => Some(Visibility::PartialLogs),
                Some("full-reproducibility") => Some(Visibility::FullReproducibility),
                Some(other) => {
                    let mut d = at.error(&path, format!("`{other}` is not a visibility"));
                    d.hint =
                        Some("expected black-box, partial-logs or full-reproducibility".into());
                    return Err(d);
                }
            }
        }
    }
    Ok(())
}

fn rename(spec: &mut DeploymentFile, id: &str, to: &str, at: &At<'_>) -> Result<(), Diagnostic> {
    let (plane, index) = find(spec, id, at)?;
    let path = format!("{}.id", path_of(plane, index));
    let to = to.trim();
    if to.is_empty() {
        return Err(at.error(&path, "a component id cannot be empty"));
    }
    if to != id && spec.components.iter().any(|(_, _, c)| c.id == to) {
        return Err(at.error(&path, format!("a component `{to}` already exists")));
    }

    let swap = |s: &mut String| {
        if s == id {
            *s = to.to_string();
        }
    };
    spec.components.lane_mut(plane)[index].id = to.to_string();
    for l in &mut spec.links {
        swap(&mut l.from);
        swap(&mut l.to);
    }
    for c in &mut spec.candidates {
        swap(&mut c.component);
    }
    if let Some(r) = &mut spec.routing {
        swap(&mut r.router);
        if let Some(cl) = &mut r.classifier {
            swap(&mut cl.component);
        }
        for route in &mut r.routes {
            route.models.iter_mut().chain(route.fallbacks.iter_mut()).for_each(swap);
        }
    }
    Ok(())
}

fn set_section(
    spec: &mut DeploymentFile,
    section: ComposeSection,
    text: Option<&str>,
    at: &At<'_>,
) -> Result<(), Diagnostic> {
    let text = text.filter(|t| !t.trim().is_empty());
    match section {
        ComposeSection::Routing => {
            spec.routing =
                text.map(|t| read_fragment::<RoutingSpec>("routing", t, at)).transpose()?
        }
        ComposeSection::Workload => {
            spec.workload =
                text.map(|t| read_fragment::<WorkloadSpec>("workload", t, at)).transpose()?
        }
    }
    Ok(())
}

/// Reads a section written as YAML on its own. Its problems are positioned within the
/// fragment (line 1 is its first line), and named after the section.
fn read_fragment<T: serde::de::DeserializeOwned>(
    section: &str,
    text: &str,
    at: &At<'_>,
) -> Result<T, Diagnostic> {
    let located = |e: yaml::YamlError| {
        let pos = e.pos.unwrap_or(yaml::Pos { line: 1, column: 1 });
        let path = match e.path {
            Some(p) if !p.is_empty() => format!("{section}.{p}"),
            _ => section.to_string(),
        };
        let mut d = Diagnostic::new(&format!("{} ({section})", at.file), pos, &path, e.message);
        d.hint = e.hint;
        d
    };
    let node = yaml::parse(text).map_err(located)?;
    if !matches!(node.kind, yaml::NodeKind::Map(_)) {
        return Err(at.error(section, format!("`{section}` is a mapping of its fields")));
    }
    yaml::from_node::<T>(&node).map(|(v, _)| v).map_err(located)
}

#[cfg(test)]
mod tests;
