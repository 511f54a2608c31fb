//! The aggregating sink: folds flows into one record per distinct signature (hop, classes),
//! with counts, without allocating per flow. Per-session figures are kept in flat arrays and
//! folded into the signatures and the exposure matrix at the end of each session.
//!
//! The fast path is built from integer ids fixed when the plan is made, so a flow costs no
//! lookup. When every class set fits a small dense table (`2^classes × hops` entries, see
//! [`DENSE_LIMIT`]), a flow's counter is `classes × hops + hop`: a multiply and an add. Above
//! that (many data classes) a flow probes an open-addressing table instead; both give the
//! same figures. Each signature keeps the list of exposure-matrix cells it feeds (its classes
//! × the receiving component's jurisdictions), computed once, so the end of a session adds
//! into cells without walking bit sets. The planes and jurisdictions a cycle entered are
//! counted per distinct pattern and expanded in [`Aggregator::finish`], because a plan's
//! cycles follow only a handful of patterns.

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

/// Wrong-way volume of one class over the routed calls that carried it.
///
/// A false negative sends a call to a route less protected than the correct one; it leaks
/// the classes whose own route is more protected than the route taken, and only those. A
/// false positive sends a call to a route more protected than the correct one: every class
/// it carries goes further than it needs to, which costs money and capacity but leaks
/// nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Misses {
    /// Routed calls carrying the class, and their context tokens.
    pub requests: u64,
    pub tokens: u64,
    /// Calls that took the class to a route less protected than its own (leaks).
    pub false_negative_requests: u64,
    pub false_negative_tokens: u64,
    /// Calls that took the class to a route more protected than the correct one (cost).
    pub false_positive_requests: u64,
    pub false_positive_tokens: u64,
}

const EMPTY: u32 = u32::MAX;

/// Largest dense table, in entries (`2^classes × hops`): 16 bytes of per-session counters
/// and 4 of signature index each, so at most 5 MiB. The bundled examples need 64 × 30.
pub const DENSE_LIMIT: usize = 1 << 18;

/// Flows and tokens of one signature (or one matrix cell) in the current session.
#[derive(Clone, Copy, Debug, Default)]
struct Count {
    flows: u64,
    tokens: u64,
}

/// What the aggregator needs of a hop, in one place for the fast path.
#[derive(Clone, Copy, Debug)]
struct HopInfo {
    plane: u8,
    jurisdictions: u64,
}

pub struct Aggregator {
    hops: Vec<HopInfo>,
    n_jurisdictions: usize,
    n_classes: usize,
    n_hops: usize,
    /// Per-session counters are indexed by dense slot (`classes × hops + hop`) rather than
    /// by signature.
    dense: bool,
    /// Dense mode: the signature of each slot, `EMPTY` until its first session ends.
    slot_signature: Vec<u32>,
    /// Class of each route index, for the router's per-class attribution.
    route_of_class: Vec<u8>,

    slots: Vec<(u64, HopId, u32)>,
    mask: usize,
    pub signatures: Vec<Signature>,
    /// The matrix cells each signature feeds: `sig_cells[sig_cell_start[s]..][..]`.
    sig_cells: Vec<u32>,
    sig_cell_start: Vec<u32>,

    /// This session's flows and tokens, by dense slot or by signature.
    session: Vec<Count>,
    /// Indices into `session` that this session touched.
    touched: Vec<u32>,
    cell_session: Vec<Count>,
    cell_touched: Vec<u32>,
    pub cells: Vec<Cell>,

    cycle_planes: [u64; PLANES],
    /// Distinct `cycle_planes` patterns and how many cycles had each; `last_pattern` is the
    /// index of the most recent, which the next cycle usually repeats.
    patterns: Vec<([u64; PLANES], u64)>,
    last_pattern: usize,
    /// Cycles entering each jurisdiction, per plane (index by `plane * n_jurisdictions + j`)
    /// and over all planes (the last row); complete after [`Aggregator::finish`].
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
        let nh = plan.hops.len();
        let dense_len = (nc < 32).then(|| (1usize << nc).saturating_mul(nh));
        let dense = dense_len.is_some_and(|n| n <= DENSE_LIMIT);
        let counters = if dense { dense_len.unwrap_or(0) } else { 0 };
        let route_of_class = match &plan.inference {
            crate::plan::Inference::Routed(r) => r.route_of_class.clone(),
            crate::plan::Inference::Direct { .. } => Vec::new(),
        };
        Aggregator {
            hops: plan
                .hops
                .iter()
                .map(|h| HopInfo {
                    plane: plane_index(plan.nodes[h.to].plane) as u8,
                    jurisdictions: plan.nodes[h.to].jurisdictions,
                })
                .collect(),
            n_jurisdictions: nj,
            n_classes: nc,
            n_hops: nh,
            dense,
            slot_signature: vec![EMPTY; counters],
            route_of_class,
            slots: vec![(0, 0, EMPTY); 256],
            mask: 255,
            signatures: Vec::new(),
            sig_cells: Vec::new(),
            sig_cell_start: vec![0],
            session: vec![Count::default(); counters],
            touched: Vec::new(),
            cell_session: vec![Count::default(); nc * nj],
            cell_touched: Vec::new(),
            cells: vec![Cell::default(); nc * nj],
            cycle_planes: [0; PLANES],
            patterns: Vec::new(),
            last_pattern: 0,
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
        if !self.dense {
            self.session.push(Count::default());
        }
        let nj = self.n_jurisdictions;
        let jurisdictions = self.hops[hop as usize].jurisdictions;
        for c in bits(classes) {
            for j in bits(jurisdictions) {
                self.sig_cells.push((c * nj + j) as u32);
            }
        }
        self.sig_cell_start.push(self.sig_cells.len() as u32);
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

    /// The signature of a session counter: its dense slot's (created on first use), or the
    /// counter itself in hashed mode.
    #[inline]
    fn signature_of(&mut self, counter: usize) -> usize {
        if !self.dense {
            return counter;
        }
        match self.slot_signature[counter] {
            EMPTY => self.new_slot_signature(counter),
            s => s as usize,
        }
    }

    #[cold]
    fn new_slot_signature(&mut self, counter: usize) -> usize {
        let (classes, hop) = ((counter / self.n_hops) as u64, (counter % self.n_hops) as HopId);
        let s = self.signature(classes, hop);
        self.slot_signature[counter] = s as u32;
        s
    }

    /// Folds the finished session into the signatures and the matrix.
    fn fold_session(&mut self) {
        for i in 0..self.touched.len() {
            let counter = self.touched[i] as usize;
            let count = std::mem::take(&mut self.session[counter]);
            let s = self.signature_of(counter);
            let sig = &mut self.signatures[s];
            sig.flows += count.flows;
            sig.tokens = sig.tokens.saturating_add(count.tokens);
            sig.sessions += 1;

            let cells = self.sig_cell_start[s] as usize..self.sig_cell_start[s + 1] as usize;
            for &cell in &self.sig_cells[cells] {
                let c = &mut self.cell_session[cell as usize];
                if c.flows == 0 {
                    self.cell_touched.push(cell);
                }
                c.flows += count.flows;
                c.tokens = c.tokens.saturating_add(count.tokens);
            }
        }
        self.touched.clear();

        for &cell in &self.cell_touched {
            let count = std::mem::take(&mut self.cell_session[cell as usize]);
            let c = &mut self.cells[cell as usize];
            c.flows += count.flows;
            c.tokens = c.tokens.saturating_add(count.tokens);
            c.sessions += 1;
            c.tokens_per_session.add(count.tokens);
            c.flows_per_session.add(count.flows);
        }
        self.cell_touched.clear();
    }

    /// Completes the figures: sessions that never touched a cell count as zeros in its
    /// percentiles, and the cycle patterns are expanded into [`Aggregator::cycles_entering`].
    pub fn finish(&mut self) {
        for c in &mut self.cells {
            let untouched = self.sessions - c.sessions;
            c.tokens_per_session.add_n(0, untouched);
            c.flows_per_session.add_n(0, untouched);
        }

        let nj = self.n_jurisdictions;
        for (planes, n) in std::mem::take(&mut self.patterns) {
            let mut any = 0u64;
            for (p, &js) in planes.iter().enumerate() {
                any |= js;
                for j in bits(js) {
                    self.cycles_entering[p * nj + j] += n;
                }
            }
            for j in bits(any) {
                self.cycles_entering[PLANES * nj + j] += n;
            }
        }
        self.last_pattern = 0;
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Counts a misrouted flow on its signature; rare, so off the fast path.
    #[cold]
    fn misrouted(&mut self, counter: usize, n: u64) {
        let s = self.signature_of(counter);
        self.signatures[s].misrouted += n;
    }

    /// Adds one flow to this session's counter `counter` on `hop`.
    #[inline(always)]
    fn count(&mut self, counter: usize, hop: usize, tokens: u64) {
        let c = &mut self.session[counter];
        if c.flows == 0 {
            self.touched.push(counter as u32);
        }
        c.flows += 1;
        c.tokens = c.tokens.saturating_add(tokens);
        let h = self.hops[hop];
        self.cycle_planes[h.plane as usize] |= h.jurisdictions;
    }
}

/// `a == b` in straight-line code: the derived comparison of two arrays calls `memcmp`,
/// which was 5 % of a run's time when made once per cycle.
#[inline(always)]
fn same(a: &[u64; PLANES], b: &[u64; PLANES]) -> bool {
    a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The indices of the set bits of `v`, lowest first.
fn bits(mut v: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (v != 0).then(|| {
            let i = v.trailing_zeros() as usize;
            v &= v - 1;
            i
        })
    })
}

impl Sink for Aggregator {
    #[inline]
    fn flow(&mut self, f: Flow) {
        self.payload(std::slice::from_ref(&f.hop), f.classes, f.tokens, f.misrouted);
    }

    #[inline(always)]
    fn payload(&mut self, hops: &[HopId], classes: u64, tokens: u64, misrouted: bool) {
        self.flows += hops.len() as u64;
        if self.dense {
            // `classes` is a subset of the plan's classes, so below 2^classes.
            let base = classes as usize * self.n_hops;
            for &hop in hops {
                self.count(base + hop as usize, hop as usize, tokens);
            }
        } else {
            for &hop in hops {
                let counter = self.signature(classes, hop);
                self.count(counter, hop as usize, tokens);
            }
        }
        if misrouted {
            for &hop in hops {
                let counter = if self.dense {
                    classes as usize * self.n_hops + hop as usize
                } else {
                    self.signature(classes, hop)
                };
                self.misrouted(counter, 1);
            }
        }
    }

    fn routed(&mut self, r: Routed) {
        self.routed_calls += 1;
        for c in bits(r.classes) {
            let m = &mut self.misses[c];
            m.requests += 1;
            m.tokens += r.tokens;
            // Attribution per class (see [`Misses`]): a class leaks only when the route taken
            // is less protected than its own route.
            let own = self.route_of_class.get(c).copied().unwrap_or(r.correct);
            if r.chosen < own {
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

    #[inline]
    fn cycle_end(&mut self, latency_ms: f64) {
        let planes = std::mem::take(&mut self.cycle_planes);
        match self.patterns.get_mut(self.last_pattern) {
            Some((p, n)) if same(p, &planes) => *n += 1,
            _ => self.new_pattern(planes),
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

impl Aggregator {
    #[cold]
    fn new_pattern(&mut self, planes: [u64; PLANES]) {
        match self.patterns.iter().position(|(p, _)| *p == planes) {
            Some(i) => {
                self.patterns[i].1 += 1;
                self.last_pattern = i;
            }
            None => {
                self.last_pattern = self.patterns.len();
                self.patterns.push((planes, 1));
            }
        }
    }
}

pub fn plane_row(p: triplane_model::Plane) -> usize {
    plane_index(p)
}
