//! Shared helpers for the system tests.

pub mod fault_server;
