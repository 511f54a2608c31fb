//! Runs a fixed number of sessions of a bundled example through the engine and the
//! aggregator and prints the flows, for instruction counts under a profiler (callgrind, perf)
//! where criterion's timing loop gets in the way: `sessions EXAMPLE [SESSIONS] [SEED]`.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use triplane_model::Catalog;
use triplane_sim::aggregate::Aggregator;
use triplane_sim::engine::run_session;
use triplane_sim::Plan;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("mcp-tunnel", String::as_str);
    let sessions: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);

    let path = format!("{}/../../assets/examples/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the example exists");
    let catalog = Catalog::bundled().expect("the catalog loads");
    let d = triplane_model::load_bytes(&path, text.as_bytes(), &catalog).expect("valid example");
    let plan = Plan::new(&d).expect("the example has a plan");

    let mut agg = Aggregator::new(&plan);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..sessions {
        run_session(&plan, &mut rng, &mut agg);
    }
    println!("{name}: {sessions} sessions, {} flows", agg.flows);
}
