//! The engine inside a Web Worker: a thin wasm-bindgen wrapper around [`Session`].
//!
//! `www/worker.js` loads this module, posts the `ready` handshake, forwards every message to
//! [`Engine::handle`] and calls [`Engine::tick`] while the session is busy. All protocol logic
//! is in the library (`src/session.rs`), where native tests exercise it.

/// The allocator, wrapped so that running out of memory can be told from other traps.
#[global_allocator]
static ALLOCATOR: brainprop::alloc::Tracking<std::alloc::System> = brainprop::alloc::Tracking::new(std::alloc::System);

#[cfg(target_arch = "wasm32")]
mod glue {
    use super::ALLOCATOR;
    use brainprop::protocol::{Command, Reply};
    use brainprop::session::Session;
    use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::prelude::*;

    thread_local! {
        /// The message of the last panic, for `crash_report`.
        static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    /// Logs panics to the console with their message (`console_error_panic_hook`) and keeps the
    /// message for `crash_report`.
    fn install_panic_hook() {
        std::panic::set_hook(Box::new(|info| {
            PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            console_error_panic_hook::hook(info);
        }));
    }

    /// What `www/worker.js` reads after the engine trapped (a `WebAssembly.RuntimeError`):
    /// `{panic: string | null, failed_allocation_bytes: number}`. Safe to call after a trap: it
    /// only reads two values.
    #[wasm_bindgen]
    pub fn crash_report() -> JsValue {
        let report = Object::new();
        let panic = PANIC.with(|p| p.borrow().clone());
        set(&report, "panic", &panic.map_or(JsValue::NULL, |m| JsValue::from_str(&m)));
        set(&report, "failed_allocation_bytes", &JsValue::from_f64(ALLOCATOR.failed_bytes() as f64));
        report.into()
    }

    /// One worker's engine.
    #[wasm_bindgen]
    pub struct Engine {
        session: Session,
    }

    fn now_ms() -> f64 {
        let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        global.performance().map_or_else(js_sys::Date::now, |p| p.now())
    }

    fn set(target: &Object, key: &str, value: &JsValue) {
        Reflect::set(target, &JsValue::from_str(key), value).expect("setting a property of a plain object");
    }

    /// Replies become plain objects; snapshot arrays become `Float32Array`s the worker can transfer.
    fn to_js(replies: Vec<Reply>) -> Result<Array, JsError> {
        let out = Array::new();
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        for reply in replies {
            let value = match reply {
                Reply::Snapshot { snapshot } => {
                    let frames = Array::new();
                    for frame in snapshot.frames {
                        let f = Object::new();
                        set(&f, "name", &JsValue::from_str(&frame.name));
                        let shape: Array = frame.shape.iter().map(|&s| JsValue::from_f64(s as f64)).collect();
                        set(&f, "shape", &shape);
                        set(&f, "data", &Float32Array::from(frame.data.as_slice()));
                        frames.push(&f);
                    }
                    let snapshot = Object::new();
                    set(&snapshot, "frames", &frames);
                    let message = Object::new();
                    set(&message, "type", &JsValue::from_str("snapshot"));
                    set(&message, "snapshot", &snapshot);
                    message.into()
                }
                other => serde::Serialize::serialize(&other, &serializer)?,
            };
            out.push(&value);
        }
        Ok(out)
    }

    #[wasm_bindgen]
    impl Engine {
        #[wasm_bindgen(constructor)]
        pub fn new() -> Engine {
            install_panic_hook();
            Engine { session: Session::new() }
        }

        /// The `ready` handshake message.
        pub fn ready(&self) -> Result<Array, JsError> {
            to_js(vec![Session::ready()])
        }

        /// Acts on one message from the page and returns the replies.
        pub fn handle(&mut self, message: JsValue) -> Result<Array, JsError> {
            let bytes = Reflect::get(&message, &JsValue::from_str("bytes"))
                .ok()
                .filter(|b| b.is_instance_of::<Uint8Array>() || b.is_instance_of::<js_sys::ArrayBuffer>())
                .map(|b| Uint8Array::new(&b).to_vec());
            let command: Command = match serde_wasm_bindgen::from_value(message) {
                Ok(command) => command,
                Err(e) => {
                    return to_js(vec![Reply::Error {
                        kind: brainprop::protocol::ErrorKind::Protocol,
                        message: format!("unrecognised message: {e}"),
                    }])
                }
            };
            to_js(self.session.handle(command, bytes.as_deref()))
        }

        /// Trains for about `slice_ms` and returns progress (and a snapshot when one is due).
        pub fn tick(&mut self, slice_ms: f64) -> Result<Array, JsError> {
            to_js(self.session.tick(&mut now_ms, slice_ms))
        }

        /// True while training or stepping: the worker should keep calling `tick`.
        pub fn busy(&self) -> bool {
            self.session.is_busy()
        }
    }

    impl Default for Engine {
        fn default() -> Self {
            Self::new()
        }
    }
}

fn main() {}
