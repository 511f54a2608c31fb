//! A hello-world Tauri window whose page reports its first paint the way Triplane's start
//! screen does, so the two can be measured by the same script.

use std::time::{SystemTime, UNIX_EPOCH};

/// Prints the marker `scripts/measure_app.py` reads, with wall-clock Unix milliseconds.
#[tauri::command]
fn mark_first_paint(ui_ms: f64) {
    let unix_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis());
    eprintln!(
        "hello-tauri: first-interactive-paint ui_ms={ui_ms:.1} unix_ms={}",
        unix_ms.unwrap_or_default()
    );
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![mark_first_paint])
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}
