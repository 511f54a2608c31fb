//! Flows per second per core of the engine (a flow is one sampled hop), and the wall time of
//! a simulated year of the largest example. Figures go to docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use triplane_model::Catalog;
use triplane_sim::aggregate::Aggregator;
use triplane_sim::engine::run_session;
use triplane_sim::{simulate, Options, Plan};

fn example(name: &str) -> triplane_model::Deployment {
    let path = format!("{}/../../assets/examples/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example exists");
    let catalog = Catalog::bundled().expect("catalog loads");
    triplane_model::load_bytes(&path, text.as_bytes(), &catalog).expect("example is valid")
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    for name in ["self-hosted-sandbox", "mcp-tunnel", "hybrid"] {
        let d = example(name);
        let plan = Plan::new(&d).unwrap();
        // Count the flows of a fixed batch of sessions once, to report flows per second.
        let sessions = 200;
        let mut probe = Aggregator::new(&plan);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..sessions {
            run_session(&plan, &mut rng, &mut probe);
        }
        group.throughput(Throughput::Elements(probe.flows));
        group.bench_function(format!("{name}/{sessions}-sessions"), |b| {
            b.iter(|| {
                let mut agg = Aggregator::new(&plan);
                let mut rng = ChaCha8Rng::seed_from_u64(1);
                for _ in 0..sessions {
                    run_session(&plan, &mut rng, &mut agg);
                }
                agg.flows
            })
        });
    }
    group.finish();

    let mut year = c.benchmark_group("year");
    year.sample_size(10);
    let d = example("mcp-tunnel");
    year.bench_function("mcp-tunnel/365-days", |b| {
        b.iter(|| simulate(&d, &Options { days: 365, ..Options::default() }).unwrap().totals.flows)
    });
    year.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
