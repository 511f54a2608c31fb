//! From a resolved [`Deployment`] to the plan the engine runs: components and jurisdictions
//! as indices and bit sets, the hops of the agent loop found in the link graph, and the
//! workload as ready-to-draw distributions.
//!
//! The agent loop is derived from the links, never assumed: the prompt goes from the users to
//! the orchestrator, each inference call from the orchestrator to a model (through the router
//! when `routing` names one), each tool call from the orchestrator to an MCP server (through
//! whatever gateway, tunnel and sandbox the links put in between) and on to the data stores
//! that server links to. When the links do not connect two parts the loop needs, the plan
//! assumes a direct call and says so in [`Plan::assumptions`].

use std::collections::{BTreeMap, VecDeque};

use triplane_model::{ComponentKind, Deployment, Plane, WorkloadSpec};

use crate::dist::{Dist, Mix};
use crate::latency;
use crate::SimError;

/// Ceilings for draws, the same as the model crate's sanity limits.
pub const MAX_TURNS: f64 = 1e4;
pub const MAX_TOOL_CALLS: f64 = 1e3;
pub const MAX_TOKENS: f64 = 1e7;
pub const MAX_SESSIONS_PER_DAY: f64 = 1e7;

/// At most 64 data classes and 64 jurisdictions, so that a set of either is one `u64`.
pub const MAX_CLASSES: usize = 64;

pub type HopId = u16;

#[derive(Clone, Debug)]
pub struct Node {
    pub id: String,
    pub plane: Plane,
    pub kind: ComponentKind,
    /// Bit set over [`Plan::jurisdictions`].
    pub jurisdictions: u64,
    /// Milliseconds spent in the component per call it handles (not for models).
    pub overhead_ms: f64,
    pub ttft_ms: f64,
    pub tokens_per_s: f64,
}

/// One directed hop between two components; a call and its response are two hops.
#[derive(Clone, Debug)]
pub struct Hop {
    pub from: usize,
    pub to: usize,
    /// Half the round trip between the two sites plus the receiver's overhead.
    pub delay_ms: f64,
}

#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub id: String,
    pub rank: u8,
    pub personal: bool,
}

/// A path there and the same path back.
#[derive(Clone, Debug, Default)]
pub struct Path {
    pub out: Vec<HopId>,
    pub back: Vec<HopId>,
}

#[derive(Clone, Debug)]
pub struct RoutePlan {
    pub id: String,
    pub model: usize,
    /// Router → model.
    pub path: Path,
    /// Max rank of the route's classes; routes are ordered by it.
    pub sensitivity: i32,
}

#[derive(Clone, Debug)]
pub struct Routing {
    /// Orchestrator → router.
    pub to_router: Path,
    /// Router → classifier and back, when a classifier labels requests.
    pub classifier: Option<Path>,
    pub false_negative_rate: f64,
    pub false_positive_rate: f64,
    /// Sorted by sensitivity, least sensitive first.
    pub routes: Vec<RoutePlan>,
    /// Index into `routes` of each class's route (the default route for unlisted classes).
    pub route_of_class: Vec<u8>,
    /// Per class: `route << 16 | rank << 8 | index`. The largest key among a request's
    /// classes names both its correct route and the class whose miss rates apply.
    pub class_key: Vec<u32>,
    /// Per class: the classifier's (false-negative, false-positive) rates for a request
    /// whose deciding class it is; the file's two rates unless measured per class.
    pub class_rates: Vec<(f64, f64)>,
}

/// A classifier's error rates for one data class, measured by a classification run: the
/// share of requests of that class it labels less sensitive and more sensitive.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassMissRates {
    pub class: String,
    pub false_negative_rate: f64,
    pub false_positive_rate: f64,
}

impl Plan {
    /// Replaces the router's per-class miss rates with measured ones; classes without a
    /// measured entry keep the file's rates. A plan without a router is left as it is.
    pub fn set_class_miss_rates(&mut self, measured: &[ClassMissRates]) {
        let Inference::Routed(r) = &mut self.inference else { return };
        for (class, rates) in self.classes.iter().zip(&mut r.class_rates) {
            if let Some(m) = measured.iter().find(|m| m.class == class.id) {
                *rates =
                    (m.false_negative_rate.clamp(0.0, 1.0), m.false_positive_rate.clamp(0.0, 1.0));
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Inference {
    Direct { model: usize, path: Path },
    Routed(Routing),
}

#[derive(Clone, Debug)]
pub struct ToolTarget {
    pub target: usize,
    /// Orchestrator → target.
    pub path: Path,
    /// Target → each data store it reaches.
    pub stores: Vec<Path>,
    pub results: Mix,
}

#[derive(Clone, Debug)]
pub struct Workload {
    pub sessions_per_day: Dist,
    pub turns: Dist,
    pub tool_calls: Dist,
    pub prompt_tokens: Dist,
    pub completion_tokens: Dist,
    pub tool_call_tokens: Dist,
    pub tool_result_tokens: Dist,
    pub prompt_classes: Mix,
    pub bytes_per_token: f64,
}

impl Workload {
    pub fn from_spec(w: &WorkloadSpec) -> Workload {
        let t = &w.tokens;
        Workload {
            sessions_per_day: Dist::from_spec(&w.sessions_per_day, MAX_SESSIONS_PER_DAY),
            turns: Dist::from_spec(&w.turns_per_session, MAX_TURNS),
            tool_calls: Dist::from_spec(&w.tool_calls_per_turn, MAX_TOOL_CALLS),
            prompt_tokens: Dist::from_spec(&t.prompt, MAX_TOKENS),
            completion_tokens: Dist::from_spec(&t.completion, MAX_TOKENS),
            tool_call_tokens: Dist::from_spec(&t.tool_call, MAX_TOKENS),
            tool_result_tokens: Dist::from_spec(&t.tool_result, MAX_TOKENS),
            prompt_classes: Mix::new(std::iter::empty()),
            bytes_per_token: w.bytes_per_token.unwrap_or(4.0),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub nodes: Vec<Node>,
    pub classes: Vec<ClassInfo>,
    pub jurisdictions: Vec<String>,
    pub hops: Vec<Hop>,
    pub users: Option<usize>,
    pub orchestrator: usize,
    /// Users → orchestrator and back.
    pub prompt: Path,
    pub inference: Inference,
    pub tools: Vec<ToolTarget>,
    pub workload: Workload,
    /// What the plan had to assume because the file did not say.
    pub assumptions: Vec<String>,
    /// Tokens in a classifier's label.
    pub label_tokens: u64,
}

/// Tokens a classifier answers with: a class name and little else.
pub const LABEL_TOKENS: u64 = 4;

impl Plan {
    pub fn new(d: &Deployment) -> Result<Plan, SimError> {
        let Some(w) = &d.workload else {
            return Err(SimError::invalid_hint(
                d,
                "",
                "the deployment has no `workload`".into(),
                "add `workload:` with sessions, turns, tool calls, tokens and class mixes".into(),
            ));
        };
        if d.data_classes.len() > MAX_CLASSES {
            return Err(SimError::invalid(
                d,
                "data_classes",
                format!(
                    "at most {MAX_CLASSES} data classes can be simulated, found {}",
                    d.data_classes.len()
                ),
            ));
        }
        let mut b = Builder::new(d)?;
        let classes: Vec<ClassInfo> = d
            .data_classes
            .iter()
            .map(|c| ClassInfo { id: c.id.clone(), rank: c.rank, personal: c.personal })
            .collect();
        let class_index = |id: &str| classes.iter().position(|c| c.id == id).map(|i| i as u8);

        let mut workload = Workload::from_spec(w);
        workload.prompt_classes =
            Mix::new(w.prompt_classes.iter().filter_map(|(k, v)| class_index(k).map(|i| (i, *v))));
        let default_results: Vec<(u8, f64)> = w
            .tool_result_classes
            .iter()
            .filter_map(|(k, v)| class_index(k).map(|i| (i, *v)))
            .collect();
        if workload.prompt_classes.is_empty() {
            return Err(SimError::invalid(
                d,
                "workload.prompt_classes",
                "no data class has a share above 0 in `prompt_classes`".into(),
            ));
        }

        let orchestrator = b.orchestrator()?;
        let users = d.components.iter().position(|c| c.kind == ComponentKind::Users);
        let prompt = match users {
            Some(u) => {
                b.path(u, orchestrator, "the users", "the orchestrator", through_connectivity)
            }
            None => {
                b.assumptions.push(
                    "no `users` component: prompts start at the orchestrator, and the users' \
                     side is not simulated"
                        .into(),
                );
                Path::default()
            }
        };
        let inference = b.inference(orchestrator, &classes)?;
        let tools = b.tools(orchestrator, &default_results, &class_index);

        Ok(Plan {
            nodes: b.nodes,
            classes,
            jurisdictions: b.jurisdictions,
            hops: b.hops,
            users,
            orchestrator,
            prompt,
            inference,
            tools,
            workload,
            assumptions: b.assumptions,
            label_tokens: LABEL_TOKENS,
        })
    }

    /// Expected flows per session, from the means, to refuse runs that would never end.
    pub fn expected_flows_per_session(&self) -> f64 {
        let w = &self.workload;
        let inference_hops = match &self.inference {
            Inference::Direct { path, .. } => 2 * path.out.len(),
            Inference::Routed(r) => {
                let route = r.routes.iter().map(|r| r.path.out.len()).max().unwrap_or(0);
                let classifier = r.classifier.as_ref().map_or(0, |c| c.out.len());
                2 * (r.to_router.out.len() + route + classifier)
            }
        } as f64;
        let tool_hops = self
            .tools
            .iter()
            .map(|t| 2 * (t.path.out.len() + t.stores.iter().map(|s| s.out.len()).sum::<usize>()))
            .max()
            .unwrap_or(0) as f64;
        let calls = w.tool_calls.mean().min(MAX_TOOL_CALLS);
        let per_turn = 2.0 * self.prompt.out.len() as f64
            + (calls + 1.0) * inference_hops
            + if self.tools.is_empty() { 0.0 } else { calls * tool_hops };
        w.turns.mean().min(MAX_TURNS) * per_turn
    }
}

fn through_connectivity(k: ComponentKind) -> bool {
    matches!(k, ComponentKind::Gateway | ComponentKind::Tunnel)
}

fn through_tool_path(k: ComponentKind) -> bool {
    matches!(k, ComponentKind::Gateway | ComponentKind::Tunnel | ComponentKind::Sandbox)
}

struct Builder<'a> {
    d: &'a Deployment,
    nodes: Vec<Node>,
    jurisdictions: Vec<String>,
    hops: Vec<Hop>,
    hop_index: BTreeMap<(usize, usize), HopId>,
    /// Callees of each component, in link order.
    callees: Vec<Vec<usize>>,
    assumptions: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(d: &'a Deployment) -> Result<Builder<'a>, SimError> {
        let mut jurisdictions: Vec<String> = Vec::new();
        for c in &d.components {
            for j in &c.jurisdictions {
                if !jurisdictions.contains(j) {
                    jurisdictions.push(j.clone());
                }
            }
        }
        jurisdictions.sort();
        if jurisdictions.len() > 64 {
            return Err(SimError::invalid(
                d,
                "components",
                format!("at most 64 jurisdictions can be simulated, found {}", jurisdictions.len()),
            ));
        }
        let nodes = d
            .components
            .iter()
            .map(|c| {
                let mut bits = 0u64;
                for j in &c.jurisdictions {
                    if let Some(i) = jurisdictions.iter().position(|x| x == j) {
                        bits |= 1 << i;
                    }
                }
                let figures = latency::figures(c);
                Node {
                    id: c.id.clone(),
                    plane: c.plane,
                    kind: c.kind,
                    jurisdictions: bits,
                    overhead_ms: figures.overhead_ms,
                    ttft_ms: figures.ttft_ms,
                    tokens_per_s: figures.tokens_per_s,
                }
            })
            .collect();
        let index: BTreeMap<&str, usize> =
            d.components.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let mut callees = vec![Vec::new(); d.components.len()];
        for l in &d.links {
            if let (Some(&f), Some(&t)) = (index.get(l.from.as_str()), index.get(l.to.as_str())) {
                callees[f].push(t);
            }
        }
        Ok(Builder {
            d,
            nodes,
            jurisdictions,
            hops: Vec::new(),
            hop_index: BTreeMap::new(),
            callees,
            assumptions: Vec::new(),
        })
    }

    fn hop(&mut self, from: usize, to: usize) -> HopId {
        if let Some(&h) = self.hop_index.get(&(from, to)) {
            return h;
        }
        let id = self.hops.len() as HopId;
        let delay_ms = latency::one_way_ms(&self.d.components[from], &self.d.components[to])
            + self.nodes[to].overhead_ms;
        self.hops.push(Hop { from, to, delay_ms });
        self.hop_index.insert((from, to), id);
        id
    }

    /// The shortest chain of links from `from` to `to` whose intermediate components pass
    /// `through`; a direct hop, noted as an assumption, when the links do not connect them.
    fn path(
        &mut self,
        from: usize,
        to: usize,
        from_what: &str,
        to_what: &str,
        through: fn(ComponentKind) -> bool,
    ) -> Path {
        let nodes = self.shortest(from, to, through).unwrap_or_else(|| {
            self.assumptions.push(format!(
                "no link path from {from_what} `{}` to {to_what} `{}`: a direct call is assumed",
                self.nodes[from].id, self.nodes[to].id
            ));
            vec![from, to]
        });
        let out = nodes.windows(2).map(|w| self.hop(w[0], w[1])).collect();
        let back = nodes.windows(2).rev().map(|w| self.hop(w[1], w[0])).collect();
        Path { out, back }
    }

    /// Breadth-first in link order, so the same file always gives the same path.
    fn shortest(
        &self,
        from: usize,
        to: usize,
        through: fn(ComponentKind) -> bool,
    ) -> Option<Vec<usize>> {
        let mut prev = vec![usize::MAX; self.nodes.len()];
        let mut queue = VecDeque::from([from]);
        prev[from] = from;
        while let Some(n) = queue.pop_front() {
            if n == to {
                let mut path = vec![to];
                let mut cur = to;
                while cur != from {
                    cur = prev[cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            if n != from && !through(self.nodes[n].kind) {
                continue;
            }
            for &next in &self.callees[n] {
                if prev[next] == usize::MAX {
                    prev[next] = n;
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// The orchestrator the users call, else the first one.
    fn orchestrator(&self) -> Result<usize, SimError> {
        let is_orch = |i: usize| self.nodes[i].kind == ComponentKind::Orchestrator;
        let called_by_users = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == ComponentKind::Users)
            .flat_map(|(i, _)| self.callees[i].iter().copied())
            .find(|&i| is_orch(i));
        called_by_users.or_else(|| (0..self.nodes.len()).find(|&i| is_orch(i))).ok_or_else(|| {
            SimError::invalid_hint(
                self.d,
                "components.orchestration",
                "the deployment has no orchestrator, so there is no agent loop to simulate".into(),
                "add a component of kind `orchestrator` under `components.orchestration`".into(),
            )
        })
    }

    fn model_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id && n.kind == ComponentKind::ModelEndpoint)
    }

    fn inference(&mut self, orch: usize, classes: &[ClassInfo]) -> Result<Inference, SimError> {
        let d = self.d;
        let Some(routing) = &d.routing else {
            let reachable = (0..self.nodes.len()).find(|&i| {
                self.nodes[i].kind == ComponentKind::ModelEndpoint
                    && self.shortest(orch, i, through_connectivity).is_some()
            });
            let model = reachable
                .or_else(|| self.nodes.iter().position(|n| n.kind == ComponentKind::ModelEndpoint))
                .ok_or_else(|| {
                    SimError::invalid_hint(
                        d,
                        "components.inference",
                        "the deployment has no model endpoint to call".into(),
                        "add a component of kind `model-endpoint` under `components.inference`"
                            .into(),
                    )
                })?;
            let path =
                self.path(orch, model, "the orchestrator", "the model", through_connectivity);
            return Ok(Inference::Direct { model, path });
        };

        let router = self.nodes.iter().position(|n| n.id == routing.router).ok_or_else(|| {
            SimError::invalid(d, "routing.router", format!("unknown router `{}`", routing.router))
        })?;
        let to_router =
            self.path(orch, router, "the orchestrator", "the router", through_connectivity);
        let classifier = match &routing.classifier {
            Some(c) => {
                let m = self.model_index(&c.component).ok_or_else(|| {
                    SimError::invalid(
                        d,
                        "routing.classifier.component",
                        format!("unknown classifier model `{}`", c.component),
                    )
                })?;
                Some(self.path(router, m, "the router", "the classifier", through_connectivity))
            }
            None => None,
        };

        let mut routes = Vec::new();
        for (i, r) in routing.routes.iter().enumerate() {
            let Some(first) = r.models.first() else {
                return Err(SimError::invalid(
                    d,
                    &format!("routing.routes[{i}].models"),
                    format!("route `{}` sends to no model", r.id),
                ));
            };
            let model = self.model_index(first).ok_or_else(|| {
                SimError::invalid(
                    d,
                    &format!("routing.routes[{i}].models[0]"),
                    format!("route `{}` sends to `{first}`, which is not a model endpoint", r.id),
                )
            })?;
            let path = self.path(router, model, "the router", "the model", through_connectivity);
            let sensitivity = r
                .classes
                .iter()
                .filter_map(|c| classes.iter().find(|k| &k.id == c))
                .map(|k| i32::from(k.rank))
                .max()
                .unwrap_or(-1);
            routes.push(RoutePlan { id: r.id.clone(), model, path, sensitivity });
        }
        // Stable sort: routes of equal sensitivity keep the file's order.
        routes.sort_by_key(|r| r.sensitivity);
        let default = routes.iter().position(|r| r.id == routing.default).ok_or_else(|| {
            SimError::invalid(d, "routing.default", format!("unknown route `{}`", routing.default))
        })?;
        let route_of_class = classes
            .iter()
            .map(|c| {
                routing
                    .routes
                    .iter()
                    .find(|r| r.classes.contains(&c.id))
                    .and_then(|r| routes.iter().position(|p| p.id == r.id))
                    .unwrap_or(default) as u8
            })
            .collect();
        let (fnr, fpr) = routing
            .classifier
            .as_ref()
            .map_or((0.0, 0.0), |c| (c.false_negative_rate, c.false_positive_rate));
        let (fnr, fpr) = (fnr.clamp(0.0, 1.0), fpr.clamp(0.0, 1.0));
        let class_key = classes
            .iter()
            .zip(&route_of_class)
            .enumerate()
            .map(|(i, (c, &route))| u32::from(route) << 16 | u32::from(c.rank) << 8 | i as u32)
            .collect();
        Ok(Inference::Routed(Routing {
            to_router,
            classifier,
            false_negative_rate: fnr,
            false_positive_rate: fpr,
            routes,
            route_of_class,
            class_key,
            class_rates: vec![(fnr, fpr); classes.len()],
        }))
    }

    /// MCP servers the orchestrator reaches through the tool path; sandboxes when there is
    /// no MCP server; none when the deployment runs no tools.
    fn tools(
        &mut self,
        orch: usize,
        default_results: &[(u8, f64)],
        class_index: &dyn Fn(&str) -> Option<u8>,
    ) -> Vec<ToolTarget> {
        let of_kind = |b: &Self, k: ComponentKind| -> Vec<usize> {
            (0..b.nodes.len()).filter(|&i| b.nodes[i].kind == k).collect()
        };
        let mut targets = of_kind(self, ComponentKind::McpServer);
        if targets.is_empty() {
            targets = of_kind(self, ComponentKind::Sandbox);
        }
        let reachable: Vec<usize> = targets
            .iter()
            .copied()
            .filter(|&t| self.shortest(orch, t, through_tool_path).is_some())
            .collect();
        if !reachable.is_empty() {
            targets = reachable;
        }
        let mut out = Vec::new();
        for t in targets {
            let path = self.path(orch, t, "the orchestrator", "the tool", through_tool_path);
            let stores: Vec<usize> = self.callees[t]
                .iter()
                .copied()
                .filter(|&s| self.nodes[s].kind == ComponentKind::DataStore)
                .collect();
            let stores = stores
                .into_iter()
                .map(|s| self.path(t, s, "the tool", "the data store", |_| false))
                .collect();
            let results =
                match self.d.components[t].mcp.as_ref().and_then(|m| m.result_classes.as_ref()) {
                    Some(mix) => {
                        Mix::new(mix.iter().filter_map(|(k, v)| class_index(k).map(|i| (i, *v))))
                    }
                    None => Mix::new(default_results.iter().copied()),
                };
            out.push(ToolTarget { target: t, path, stores, results });
        }
        if out.is_empty() {
            self.assumptions.push(
                "no MCP server or sandbox: tool calls are not simulated, only inference".into(),
            );
        }
        out
    }
}
