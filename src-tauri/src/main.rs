// Keeps a Windows release build from opening a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    triplane_app::run();
}
