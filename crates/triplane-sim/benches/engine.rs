//! Flows per second per core of the engine, and the wall time of a simulated year.
fn main() {}
