mod common;
use triplane_sim::{simulate, Options};

#[test]
fn examples_run() {
    for name in ["frontier-only", "self-hosted-sandbox", "mcp-tunnel", "bedrock-eu", "sovereign", "hybrid", "managed-agents-self-hosted"] {
        let d = common::example(name);
        let r = simulate(&d, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        println!("{name}: {:?} {:?} {:?}", r.scorecard.overall.grade, r.assumptions, r.violations.iter().map(|v| (&v.rule, v.flows)).collect::<Vec<_>>());
        println!("  shares {:?}", r.cycle_share.iter().filter(|s| s.share > 0.0).map(|s| format!("{}:{}={}", s.plane, s.jurisdiction, s.share)).collect::<Vec<_>>());
    }
    for name in ["sandbox-onprem", "hybrid"] {
        let d = common::fixture(name);
        let r = simulate(&d, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        println!("{name}: {:?} {:?} {:?} cost {:?} lat {:?}", r.scorecard.overall.grade, r.assumptions, r.violations.iter().map(|v| (&v.rule, v.flows)).collect::<Vec<_>>(), r.cost, r.latency);
    }
}
