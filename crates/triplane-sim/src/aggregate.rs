//! The aggregating sink: folds flows into one record per distinct signature (hop, classes),
//! with counts, without allocating per flow. Per-session figures are kept in flat arrays
//! indexed by signature and folded into the exposure matrix at the end of each session, so
//! a flow costs one table probe and a few adds.

use crate::engine::{Flow, Routed, Sink};
use crate::hist::Hist;
use crate::plan::{HopId, Plan};

/// Aggregated flows with one signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signature {
    pub hop: HopId,
    pub classes: u64,
    pub flows: u64,
    pub tokens: u64,
    /// Flows of requests the classifier sent the wrong way.
    pub misrouted: u64,
    pub sessions: u64,
}

/// One cell of the exposure matrix (a data class entering a jurisdiction).
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub flows: u64,
    pub tokens: u64,
    pub sessions: u64,
    pub tokens_per_session: Hist,
    pub flows_per_session: Hist,
}

/// Wrong-way volume of one class: requests containing it and their context tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct Misses {
    pub requests: u64,
    pub tokens: u64,
    pub false_negative_requests: u64,
    pub false_negative_tokens: u64,
    pub false_positive_requests: u64,
    pub false_positive_tokens: u64,
}

const EMPTY: u32 = u32::MAX;

pub struct Aggregator {
    hop_plane: Vec<usize>,
    hop_jurisdictions: Vec<u64>,
    n_jurisdictions: usize,
    n_classes: usize,

    slots: Vec<(u64, HopId, u32)>,
    mask: usize,
    pub signatures: Vec<Signature>,

    session_flows: Vec<u64>,
    session_tokens: Vec<u64>,
    touched: Vec<u32>,
    cell_flows: Vec<u64>,
    cell_tokens: Vec<u64>,
    cell_touched: Vec<u32>,
    pub cells: Vec<Cell>,

    cycle_planes: [u64; PLANES],
    /// Cycles entering each jurisdiction, per plane (index by `plane * n_jurisdictions + j`)
    /// and over all planes (the last row).
    pub cycles_entering: Vec<u64>,

    pub sessions: u64,
    pub turns: u64,
    pub cycles: u64,
    pub tool_calls: u64,
    pub flows: u64,
    pub cycle_ms: Hist,
    pub session_ms: Hist,
    pub cycle_ms_sum: f64,
    pub session_ms_sum: f64,
    pub misses: Vec<Misses>,
    pub routed_calls: u64,
}

/// Planes, by [`triplane_model::Plane`]'s declaration order, plus one row for "any plane".
pub const PLANES: usize = 5;

fn plane_index(p: triplane_model::Plane) -> usize {
    use triplane_model::Plane::*;
    match p {
        Inference => 0,
        Orchestration => 1,
        Execution => 2,
        Connectivity => 3,
        Users => 4,
    }
}

#[inline]
fn hash(classes: u64, hop: HopId) -> u64 {
    (classes ^ (u64::from(hop) << 56 | u64::from(hop))).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Aggregator {
    pub fn new(plan: &Plan) -> Aggregator {
        let nj = plan.jurisdictions.len();
        let nc = plan.classes.len();
        Aggregator {
            hop_plane: plan.hops.iter().map(|h| plane_index(plan.nodes[h.to].plane)).collect(),
            hop_jurisdictions: plan.hops.iter().map(|h| plan.nodes[h.to].jurisdictions).collect(),
            n_jurisdictions: nj,
            n_classes: nc,
            slots: vec![(0, 0, EMPTY); 256],
            mask: 255,
            signatures: Vec::new(),
            session_flows: Vec::new(),
            session_tokens: Vec::new(),
            touched: Vec::new(),
            cell_flows: vec![0; nc * nj],
            cell_tokens: vec![0; nc * nj],
            cell_touched: Vec::new(),
            cells: vec![Cell::default(); nc * nj],
            cycle_planes: [0; PLANES],
            cycles_entering: vec![0; (PLANES + 1) * nj],
            sessions: 0,
            turns: 0,
            cycles: 0,
            tool_calls: 0,
            flows: 0,
            cycle_ms: Hist::default(),
            session_ms: Hist::default(),
            cycle_ms_sum: 0.0,
            session_ms_sum: 0.0,
            misses: vec![Misses::default(); nc],
            routed_calls: 0,
        }
    }

    #[inline]
    fn signature(&mut self, classes: u64, hop: HopId) -> usize {
        let mut i = (hash(classes, hop) >> 32) as usize & self.mask;
        loop {
            let (c, h, idx) = self.slots[i];
            if idx == EMPTY {
                return self.insert(i, classes, hop);
            }
            if c == classes && h == hop {
                return idx as usize;
            }
            i = (i + 1) & self.mask;
        }
    }

    #[cold]
    fn insert(&mut self, slot: usize, classes: u64, hop: HopId) -> usize {
        let idx = self.signatures.len();
        self.signatures.push(Signature { hop, classes, ..Signature::default() });
        self.session_flows.push(0);
        self.session_tokens.push(0);
        self.slots[slot] = (classes, hop, idx as u32);
        if self.signatures.len() * 2 > self.slots.len() {
            self.grow();
        }
        idx
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.mask = size - 1;
        self.slots = vec![(0, 0, EMPTY); size];
        for (idx, s) in self.signatures.iter().enumerate() {
            let mut i = (hash(s.classes, s.hop) >> 32) as usize & self.mask;
            while self.slots[i].2 != EMPTY {
                i = (i + 1) & self.mask;
            }
            self.slots[i] = (s.classes, s.hop, idx as u32);
        }
    }

    /// Folds the finished session into the signatures and the matrix.
    fn fold_session(&mut self) {
        let nj = self.n_jurisdictions;
        for &s in &self.touched {
            let s = s as usize;
            let (flows, tokens) = (self.session_flows[s], self.session_tokens[s]);
            self.session_flows[s] = 0;
            self.session_tokens[s] = 0;
            let sig = &mut self.signatures[s];
            sig.flows += flows;
            sig.tokens = sig.tokens.saturating_add(tokens);
            sig.sessions += 1;
            let jur = self.hop_jurisdictions[sig.hop as usize];
            let mut classes = sig.classes;
            while classes != 0 {
                let c = classes.trailing_zeros() as usize;
                classes &= classes - 1;
                let mut js = jur;
                while js != 0 {
                    let j = js.trailing_zeros() as usize;
                    js &= js - 1;
                    let cell = c * nj + j;
                    if self.cell_flows[cell] == 0 {
                        self.cell_touched.push(cell as u32);
                    }
                    self.cell_flows[cell] += flows;
                    self.cell_tokens[cell] = self.cell_tokens[cell].saturating_add(tokens);
                }
            }
        }
        self.touched.clear();
        for &cell in &self.cell_touched {
            let cell = cell as usize;
            let c = &mut self.cells[cell];
            c.flows += self.cell_flows[cell];
            c.tokens = c.tokens.saturating_add(self.cell_tokens[cell]);
            c.sessions += 1;
            c.tokens_per_session.add(self.cell_tokens[cell]);
            c.flows_per_session.add(self.cell_flows[cell]);
            self.cell_flows[cell] = 0;
            self.cell_tokens[cell] = 0;
        }
        self.cell_touched.clear();
    }

    /// Sessions that never touched a cell count as zeros in its percentiles.
    pub fn finish(&mut self) {
        for c in &mut self.cells {
            let untouched = self.sessions - c.sessions;
            c.tokens_per_session.add_n(0, untouched);
            c.flows_per_session.add_n(0, untouched);
        }
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }
}

impl Sink for Aggregator {
    #[inline]
    fn flow(&mut self, f: Flow) {
        let s = self.signature(f.classes, f.hop);
        if self.session_flows[s] == 0 {
            self.touched.push(s as u32);
        }
        self.session_flows[s] += 1;
        self.session_tokens[s] = self.session_tokens[s].saturating_add(f.tokens);
        if f.misrouted {
            self.signatures[s].misrouted += 1;
        }
        let h = f.hop as usize;
        self.cycle_planes[self.hop_plane[h]] |= self.hop_jurisdictions[h];
        self.flows += 1;
    }

    fn routed(&mut self, r: Routed) {
        self.routed_calls += 1;
        let mut bits = r.classes;
        while bits != 0 {
            let c = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let m = &mut self.misses[c];
            m.requests += 1;
            m.tokens += r.tokens;
            if r.chosen < r.correct {
                m.false_negative_requests += 1;
                m.false_negative_tokens += r.tokens;
            } else if r.chosen > r.correct {
                m.false_positive_requests += 1;
                m.false_positive_tokens += r.tokens;
            }
        }
    }

    fn tool_call(&mut self) {
        self.tool_calls += 1;
    }

    fn turn(&mut self) {
        self.turns += 1;
    }

    fn cycle_end(&mut self, latency_ms: f64) {
        let nj = self.n_jurisdictions;
        let mut any = 0u64;
        for (p, bits) in self.cycle_planes.iter_mut().enumerate() {
            any |= *bits;
            let mut js = *bits;
            while js != 0 {
                let j = js.trailing_zeros() as usize;
                js &= js - 1;
                self.cycles_entering[p * nj + j] += 1;
            }
            *bits = 0;
        }
        while any != 0 {
            let j = any.trailing_zeros() as usize;
            any &= any - 1;
            self.cycles_entering[PLANES * nj + j] += 1;
        }
        self.cycles += 1;
        self.cycle_ms.add((latency_ms * 1000.0) as u64);
        self.cycle_ms_sum += latency_ms;
    }

    fn session_end(&mut self, latency_ms: f64) {
        self.fold_session();
        self.sessions += 1;
        self.session_ms.add((latency_ms * 1000.0) as u64);
        self.session_ms_sum += latency_ms;
    }
}

pub fn plane_row(p: triplane_model::Plane) -> usize {
    plane_index(p)
}
