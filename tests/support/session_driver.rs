//! Driving a [`Session`] in tests, natively (`tests/session.rs`) and in the wasm worker
//! (`tests/wasm.rs`): run it in time slices until it is idle and collect what it reported.

use brainprop::protocol::Reply;
use brainprop::session::Session;

/// Ticks `session` in slices of `slice_ms` (times in ms from `now`) until it is no longer busy;
/// returns every metric row its `Progress` replies carried, in order.
pub fn progress_rows(session: &mut Session, now: &mut dyn FnMut() -> f64, slice_ms: f64) -> Vec<Vec<f64>> {
    let mut rows = Vec::new();
    while session.is_busy() {
        for reply in session.tick(now, slice_ms) {
            if let Reply::Progress { rows: new, .. } = reply {
                rows.extend(new);
            }
        }
    }
    rows
}
