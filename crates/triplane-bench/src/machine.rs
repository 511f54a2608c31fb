//! A description of the machine a run was measured on, stored with the run so figures from
//! different machines are not compared unknowingly. It names no user and no host.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub os: &'static str,
    pub arch: &'static str,
    pub cpus: usize,
    pub cpu_model: Option<String>,
    pub kernel: Option<String>,
}

/// Describes this machine.
pub fn this_machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok();
    let cpu_model = cpuinfo.as_deref().and_then(|t| {
        t.lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .map(|m| m.trim().to_owned())
    });
    Machine {
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        cpus: std::thread::available_parallelism().map_or(1, usize::from),
        cpu_model,
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|s| s.trim().to_owned()),
    }
}
