//! The Spikes chapter's tasks as spike rasters on the simulation's grid: frozen Poisson inputs and
//! target trains. Spike times are drawn in continuous time and then put on the grid of `dt`, so a
//! task is the same pattern at every time step.

use super::config::{SpikeTask, SuperSpikeConfig, PICTURE_BIN_MS};
use crate::rng::{rng_for, SimRng, Stream};
use rand::Rng;

/// One trial's input and target: dense `steps × n` rasters (1 at a spike's step).
#[derive(Debug, Clone)]
pub struct Trial {
    pub input: Vec<f32>,
    pub target: Vec<f32>,
}

/// Poisson spike times in `[start, end)` ms at `rate_hz`, put on the grid of `dt_ms` into column
/// `column` of the `steps × n` raster `raster`.
fn poisson_into(
    raster: &mut [f32],
    n: usize,
    column: usize,
    window: (f64, f64),
    rate_hz: f64,
    dt_ms: f64,
    rng: &mut SimRng,
) {
    let steps = raster.len() / n;
    let mut t = window.0;
    loop {
        let u: f64 = rng.random_range(f64::EPSILON..1.0);
        t += -u.ln() / rate_hz * 1000.0;
        if t >= window.1 {
            break;
        }
        let step = ((t / dt_ms) as usize).min(steps - 1);
        raster[step * n + column] = 1.0;
    }
}

/// A spike at `time_ms` in column `column` of a `steps × n` raster.
fn spike_at(raster: &mut [f32], n: usize, column: usize, time_ms: f64, dt_ms: f64) {
    let steps = raster.len() / n;
    let step = ((time_ms / dt_ms) as usize).min(steps - 1);
    raster[step * n + column] = 1.0;
}

/// The default picture: a face in `rows × bins` cells (row 0 at the top: output neuron 0).
pub fn default_picture(rows: usize, bins: usize) -> Vec<Vec<bool>> {
    let (cy, cx) = ((rows as f64 - 1.0) / 2.0, (bins as f64 - 1.0) / 2.0);
    let (ry, rx) = (rows as f64 / 2.0 - 0.5, bins as f64 / 2.0 - 0.5);
    (0..rows)
        .map(|r| {
            (0..bins)
                .map(|b| {
                    let (y, x) = ((r as f64 - cy) / ry.max(0.5), (b as f64 - cx) / rx.max(0.5));
                    let d = (x * x + y * y).sqrt();
                    let outline = (0.82..=1.0).contains(&d);
                    let eyes = (y + 0.35).abs() < 0.12 && ((x - 0.35).abs() < 0.1 || (x + 0.35).abs() < 0.1);
                    let smile = y > 0.2 && y < 0.55 && (d - 0.55).abs() < 0.09 && x.abs() < 0.55;
                    outline || eyes || smile
                })
                .collect()
        })
        .collect()
}

/// The picture to learn: the painted rows if any (bit b of row r: a spike in bin b), else
/// [`default_picture`].
pub fn picture(config: &SuperSpikeConfig) -> Vec<Vec<bool>> {
    let bins = config.bins();
    if config.target.is_empty() {
        return default_picture(config.outputs, bins);
    }
    config.target.iter().map(|&row| (0..bins).map(|b| row >> b & 1 == 1).collect()).collect()
}

/// Every trial of an epoch, in order: one for the picture and the five spikes, four for the XOR
/// (inputs (0,0), (0,1), (1,0), (1,1)).
pub fn trials(config: &SuperSpikeConfig) -> Vec<Trial> {
    let steps = config.steps();
    let (n_in, n_out, dt, duration) = (config.inputs, config.output_count(), config.dt, config.duration);
    let mut rng = rng_for(config.seed, Stream::DataGeneration);
    let frozen = |rng: &mut SimRng| {
        let mut input = vec![0f32; steps * n_in];
        for j in 0..n_in {
            poisson_into(&mut input, n_in, j, (0.0, duration), config.input_rate, dt, rng);
        }
        input
    };
    match config.task {
        SpikeTask::Spikes => {
            let input = frozen(&mut rng);
            let mut target = vec![0f32; steps];
            for k in 0..5 {
                spike_at(&mut target, 1, 0, duration * (k as f64 + 1.0) / 6.0, dt);
            }
            vec![Trial { input, target }]
        }
        SpikeTask::Picture => {
            let input = frozen(&mut rng);
            let mut target = vec![0f32; steps * n_out];
            for (r, row) in picture(config).iter().enumerate() {
                for (b, _) in row.iter().enumerate().filter(|(_, &on)| on) {
                    spike_at(&mut target, n_out, r, (b as f64 + 0.5) * PICTURE_BIN_MS, dt);
                }
            }
            vec![Trial { input, target }]
        }
        SpikeTask::Xor => {
            // Each half of the inputs fires at 5× the rate in the first (bit 0) or the second
            // (bit 1) half of the trial. The target is three spikes in the second half when exactly
            // one group fires there, i.e. when the bits differ: the output must fire for one
            // active group and not for two, which no single threshold on their summed input does.
            let half_time = duration / 2.0;
            let half = n_in / 2;
            let groups: Vec<[Vec<f32>; 2]> = (0..2)
                .map(|g| {
                    [0, 1].map(|bit| {
                        let mut input = vec![0f32; steps * n_in];
                        let columns = if g == 0 { 0..half } else { half..n_in };
                        let window = (bit as f64 * half_time, (bit as f64 + 1.0) * half_time);
                        for j in columns {
                            poisson_into(&mut input, n_in, j, window, 5.0 * config.input_rate, dt, &mut rng);
                        }
                        input
                    })
                })
                .collect();
            [(0, 0), (0, 1), (1, 0), (1, 1)]
                .into_iter()
                .map(|(a, b)| {
                    let input = groups[0][a].iter().zip(&groups[1][b]).map(|(x, y)| x.max(*y)).collect();
                    let mut target = vec![0f32; steps];
                    if a != b {
                        for k in 0..3 {
                            spike_at(&mut target, 1, 0, half_time * (1.0 + (k as f64 + 1.0) / 4.0), dt);
                        }
                    }
                    Trial { input, target }
                })
                .collect()
        }
    }
}
