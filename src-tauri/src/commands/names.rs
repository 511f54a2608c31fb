/// Every command the app registers, by name. Read by `build.rs` (Tauri's ACL manifest) and by
/// the tests, so the command list, the ACL and the capability file cannot drift apart.
pub const COMMANDS: &[&str] = &[
    "app_mark_first_paint",
    "app_launch_file",
    "deployment_examples",
    "deployment_open_example",
    "deployment_open_text",
    "catalog_search",
    "bench_run_latency",
    "bench_cancel",
    "bench_runs",
    "bench_candidates",
    "bench_run",
    "bench_charts",
    "projects_list",
    "projects_open",
    "projects_create",
    "simulation_run",
    "simulation_compare",
    "export_preview",
    "export_default_key",
    "export_write",
];
