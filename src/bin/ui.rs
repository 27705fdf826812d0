//! Charts on the page's main thread: plotters drawing onto a `<canvas>` through plotters-canvas.
//! plotters needs `window` to measure text, so it cannot run in the worker. The drawing code is
//! the library's (`brainprop::charts`), the same that writes the CLI's SVG files.

#[cfg(target_arch = "wasm32")]
mod glue {
    use brainprop::charts::{self, LineChart};
    use plotters::prelude::IntoDrawingArea;
    use plotters_canvas::CanvasBackend;
    use wasm_bindgen::prelude::*;

    /// Draws a line chart (a JSON-shaped `LineChart`) onto `canvas`, filling its backing store.
    #[wasm_bindgen]
    pub fn draw_line_chart(canvas: web_sys::HtmlCanvasElement, chart: JsValue) -> Result<(), JsError> {
        let chart: LineChart = serde_wasm_bindgen::from_value(chart)?;
        let backend =
            CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas has no 2-D context"))?;
        let area = backend.into_drawing_area();
        charts::draw(&area, &chart).map_err(|e| JsError::new(&e))?;
        area.present().map_err(|e| JsError::new(&e.to_string()))
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
}
