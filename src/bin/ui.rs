//! Charts on the page's main thread: plotters drawing onto a `<canvas>` through plotters-canvas.
//! Text is measured in the page (a canvas in the page's fonts), so it cannot run in the worker. The
//! drawing code is the library's (`brainprop::charts`), the same that writes the CLI's SVG files.
//! www/views/linechart.js loads this module (no inline loader script, for a strict
//! Content-Security-Policy: see Trunk.toml `pattern_script`).

#[cfg(target_arch = "wasm32")]
mod glue {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use brainprop::charts::{self, LineChart};
    use plotters::prelude::{IntoDrawingArea, TextStyle};
    use plotters_canvas::CanvasBackend;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// Draws a line chart (a JSON-shaped `LineChart`) onto `canvas`, filling its backing store.
    /// Returns where the data went (`charts::PlotArea`, in backing-store pixels).
    #[wasm_bindgen]
    pub fn draw_line_chart(canvas: web_sys::HtmlCanvasElement, chart: JsValue) -> Result<JsValue, JsError> {
        let chart: LineChart = serde_wasm_bindgen::from_value(chart)?;
        let backend =
            CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas has no 2-D context"))?;
        let area = backend.into_drawing_area();
        let plot = charts::draw_measured(&area, &chart, &measure).map_err(|e| JsError::new(&e))?;
        area.present().map_err(|e| JsError::new(&e.to_string()))?;
        Ok(serde_wasm_bindgen::to_value(&plot)?)
    }

    /// Measured texts, by font and text (the page's fonts do not change under it). Emptied when full.
    const REMEMBERED: usize = 4096;
    thread_local! {
        static SIZES: RefCell<HashMap<String, (u32, u32)>> = RefCell::new(HashMap::new());
    }

    /// The width and height of `text` in `style` as the page lays it out.
    fn measure(text: &str, style: &TextStyle) -> Result<(u32, u32), String> {
        let font = &style.font;
        let key = format!("{} {}px {}\n{text}", font.get_style().as_str(), font.get_size(), font.get_name());
        if let Some(size) = SIZES.with(|s| s.borrow().get(&key).copied()) {
            return Ok(size);
        }
        let size = measure_in_page(text, font.get_name(), font.get_style().as_str(), font.get_size())
            .map_err(|e| format!("could not measure text: {e:?}"))?;
        SIZES.with(|s| {
            let mut sizes = s.borrow_mut();
            if sizes.len() >= REMEMBERED {
                sizes.clear();
            }
            sizes.insert(key, size);
        });
        Ok(size)
    }

    thread_local! {
        /// A canvas of its own, never shown, whose 2-D context measures text.
        static MEASURER: RefCell<Option<web_sys::CanvasRenderingContext2d>> = const { RefCell::new(None) };
    }

    /// Measures `text` with a 2-D canvas context in the page's fonts: the advance width (rounded
    /// up) and the font's ascent plus descent, as a line of it is tall. A canvas measures without
    /// laying out the page; the span it replaced made every new label force a layout of the whole
    /// document in the middle of a frame (tens of milliseconds on the first draw of a figure).
    fn measure_in_page(text: &str, family: &str, style: &str, size: f64) -> Result<(u32, u32), JsValue> {
        let ctx = MEASURER.with(|m| -> Result<_, JsValue> {
            if let Some(ctx) = m.borrow().as_ref() {
                return Ok(ctx.clone());
            }
            let document =
                web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))?;
            let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
            let ctx: web_sys::CanvasRenderingContext2d =
                canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2-D context"))?.dyn_into()?;
            *m.borrow_mut() = Some(ctx.clone());
            Ok(ctx)
        })?;
        // plotters' styles are CSS font-style words except "bold", which the font shorthand
        // takes as a weight all the same.
        ctx.set_font(&format!("{style} {size}px {family}"));
        let metrics = ctx.measure_text(text)?;
        let height = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
        Ok((metrics.width().ceil().max(0.0) as u32, height.ceil().max(0.0) as u32))
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
}
