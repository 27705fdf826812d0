//! [`EquilibriumPropagation`], the [`Rule`]: one minibatch per work unit (free phase, nudged
//! phase, update), an evaluation at the end of every epoch, and the frames it draws.

use super::config::EqPropConfig;
use super::network::EqNet;
use super::relaxation::{Recorder, Relaxation};
use crate::data::{DataKind, Dataset, Split};
use crate::metrics::Confusion;
use crate::nn::mlp::argmax;
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{shown_units, MetricTable, Progress, Rule, Snapshot, StepOutcome};
use crate::rules::feedforward::{Evaluation, MinibatchTraining, Minibatches, BOUNDARY_EXTENT, BOUNDARY_SIZE, COLUMNS};
use crate::{Error, Result};
use ndarray::{s, Array2};
use rand::Rng;
use std::sync::Arc;

const EVAL_CHUNK: usize = 500;
/// First-layer units whose relaxation is recorded for drawing.
const SHOWN_HIDDEN: usize = 64;

/// A classifier trained by Equilibrium Propagation. One work unit is one minibatch (free phase,
/// nudged phase, update).
pub struct EquilibriumPropagation {
    config: EqPropConfig,
    net: EqNet<f32>,
    data: Arc<Split>,
    sign_rng: SimRng,
    batches: Minibatches,
    batch_x: Array2<f32>,
    batch_labels: Vec<u8>,
    batch_targets: Array2<f32>,
    relax: Relaxation<f32>,
    eval: Relaxation<f32>,
    /// The free fixed point of the current batch.
    free: Vec<Array2<f32>>,
    /// Persistent particles: each training example's last free fixed point, per free layer.
    particles: Option<Vec<Array2<f32>>>,
    rates: Vec<f32>,
    metrics: MetricTable,
    last_test: Option<Evaluation>,
    recorder: Recorder,
    record_next: bool,
    diverged: Option<Error>,
}

/// Extra metric columns after [`COLUMNS`], measured each epoch on the first minibatch of the
/// training set relaxed from zero for `free_steps` steps: `free_energy`, the mean energy `E` at
/// the free fixed point, and `relaxation_residual`, the root-mean-square change of the free
/// units' states in the last step (≈ 0 when the free phase has settled).
pub const DIAGNOSTIC_COLUMNS: [&str; 2] = ["free_energy", "relaxation_residual"];

impl EquilibriumPropagation {
    pub fn new(config: EqPropConfig, data: Arc<Split>) -> Result<Self> {
        config.validate()?;
        if data.train.is_empty() || data.test.is_empty() {
            return Err(Error::Data("the training or test set is empty".into()));
        }
        if data.train.targets.is_some() {
            return Err(Error::invalid("data", "Equilibrium Propagation here needs a classification set"));
        }
        let sizes = config.sizes(data.train.dims(), data.train.classes);
        let net = EqNet::new(&sizes, &mut rng_for(config.seed, Stream::Weights));
        let batch = config.batch.min(data.train.len());
        let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        columns.extend(DIAGNOSTIC_COLUMNS.iter().map(|c| c.to_string()));
        let particles =
            config.persistent.then(|| sizes[1..].iter().map(|&w| Array2::zeros((data.train.len(), w))).collect());
        let recorder = Recorder {
            hidden_units: shown_units(sizes[1], SHOWN_HIDDEN),
            free_steps: config.free_steps,
            ..Recorder::default()
        };
        let mut model = Self {
            sign_rng: rng_for(config.seed, Stream::Simulation),
            batches: Minibatches::new(data.train.len(), config.seed),
            batch_x: Array2::zeros((batch, sizes[0])),
            batch_labels: Vec::with_capacity(batch),
            batch_targets: Array2::zeros((batch, data.train.classes)),
            relax: Relaxation::new(&sizes, batch),
            eval: Relaxation::new(&sizes, EVAL_CHUNK),
            free: sizes[1..].iter().map(|&w| Array2::zeros((batch, w))).collect(),
            particles,
            rates: config.layer_lrs.iter().map(|&r| r as f32).collect(),
            metrics: MetricTable { columns, rows: Vec::new() },
            last_test: None,
            recorder,
            record_next: true,
            diverged: None,
            config,
            net,
            data,
        };
        // A relaxation to draw before any training: the first training example, nudged by +β.
        model.demo_relaxation();
        // Row 0: the untrained network, so every curve starts at chance.
        let data = Arc::clone(&model.data);
        let train = model.evaluate(&data.train);
        model.record_epoch(train.loss, train.accuracy)?;
        Ok(model)
    }

    pub fn config(&self) -> &EqPropConfig {
        &self.config
    }

    pub fn net(&self) -> &EqNet<f32> {
        &self.net
    }

    /// The test-set evaluation at the end of the last epoch.
    pub fn last_test(&self) -> Option<&Evaluation> {
        self.last_test.as_ref()
    }

    /// The most recently recorded relaxation of one example.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Cost, accuracy and confusion of the free fixed points (from zero) of `set`.
    pub fn evaluate(&mut self, set: &Dataset) -> Evaluation {
        let mut confusion = Confusion::new(set.classes);
        let mut loss = 0.0;
        let eps = self.config.step_size as f32;
        for start in (0..set.len()).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(set.len());
            self.eval.set_input(&self.net, set.rows(start, end));
            self.eval.set_labels(&set.labels[start..end]);
            self.eval.reset();
            self.eval.relax(&self.net, self.config.free_steps, eps, 0.0, None);
            loss += self.eval.cost_and_correct().0;
            let out = self.eval.state(self.net.depth() - 1);
            for (row, &truth) in out.rows().into_iter().zip(&set.labels[start..end]) {
                confusion.record(truth as usize, argmax(row.iter().copied()));
            }
        }
        Evaluation { loss: loss / set.len() as f64, accuracy: confusion.accuracy(), confusion }
    }

    fn demo_relaxation(&mut self) {
        let n = self.relax.capacity();
        let data = Arc::clone(&self.data);
        let train = &data.train;
        self.relax.set_input(&self.net, train.rows(0, n));
        self.relax.set_labels(&train.labels[..n]);
        self.relax.reset();
        let eps = self.config.step_size as f32;
        self.recorder.start(&self.net, &self.relax, train.labels[0]);
        self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, Some(&mut self.recorder));
        self.recorder.beta = self.config.beta as f32;
        self.relax.relax(&self.net, self.config.nudged_steps, eps, self.config.beta as f32, Some(&mut self.recorder));
    }

    /// Appends the metrics row for the epoch just finished.
    fn record_epoch(&mut self, train_loss: f64, train_acc: f64) -> Result<()> {
        let data = Arc::clone(&self.data);
        let test = self.evaluate(&data.test);
        if !test.loss.is_finite() || !train_loss.is_finite() {
            return Err(self.diverge(if train_loss.is_finite() { test.loss } else { train_loss }));
        }
        // Diagnostics on the first minibatch of the training set, from zero, fixed across epochs.
        let n = self.relax.capacity();
        self.relax.set_input(&self.net, data.train.rows(0, n));
        self.relax.reset();
        let eps = self.config.step_size as f32;
        let residual = self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, None);
        let free_energy = (0..n).map(|i| self.relax.energy_of(&self.net, i)).sum::<f64>() / n as f64;
        self.metrics.push(vec![
            self.batches.epoch as f64,
            self.batches.samples as f64,
            train_loss,
            train_acc,
            test.loss,
            test.accuracy,
            free_energy,
            residual,
        ]);
        self.last_test = Some(test);
        Ok(())
    }

    fn diverge(&mut self, loss: f64) -> Error {
        let error = Error::Diverged { epoch: self.progress().epoch, loss };
        self.diverged = Some(error.clone());
        error
    }

    /// The output for class 1 over a grid covering the plane, and the training points.
    fn push_boundary(&mut self, snap: &mut Snapshot) {
        let size = BOUNDARY_SIZE;
        let mut grid = Array2::zeros((size * size, 2));
        for (k, mut row) in grid.rows_mut().into_iter().enumerate() {
            let (i, j) = (k / size, k % size);
            let to_plane = |v: usize| -BOUNDARY_EXTENT + 2.0 * BOUNDARY_EXTENT * (v as f32 + 0.5) / size as f32;
            row[0] = to_plane(j);
            row[1] = -to_plane(i); // top row = largest y
        }
        let eps = self.config.step_size as f32;
        let mut values = Vec::with_capacity(size * size);
        for start in (0..size * size).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(size * size);
            self.eval.set_input(&self.net, grid.slice(s![start..end, ..]));
            self.eval.reset();
            self.eval.relax(&self.net, self.config.free_steps, eps, 0.0, None);
            let out = self.eval.state(self.net.depth() - 1);
            values.extend(out.rows().into_iter().map(|r| ((r[1] - r[0] + 1.0) / 2.0).clamp(0.0, 1.0)));
        }
        snap.push("boundary", vec![size, size], values);
        let train = &self.data.train;
        let points =
            (0..train.len()).flat_map(|i| [train.x[[i, 0]], train.x[[i, 1]], train.labels[i] as f32]).collect();
        snap.push("points", vec![train.len(), 3], points);
    }
}

impl MinibatchTraining for EquilibriumPropagation {
    /// Trains on one minibatch. Returns the number of examples used.
    fn train_batch(&mut self) -> Result<usize> {
        let index = self.batches.next(self.relax.capacity());
        let n = index.len();
        self.data.train.gather(index, &mut self.batch_x, &mut self.batch_labels, &mut self.batch_targets);
        self.relax.set_input(&self.net, self.batch_x.slice(s![..n, ..]));
        self.relax.set_labels(&self.batch_labels);
        match &self.particles {
            Some(particles) => {
                for (l, p) in particles.iter().enumerate() {
                    for (row, &i) in index.iter().enumerate() {
                        self.free[l].row_mut(row).assign(&p.row(i));
                    }
                }
                self.relax.load_state(&self.free);
            }
            None => self.relax.reset(),
        }
        let sign = if self.config.random_beta_sign && self.sign_rng.random_bool(0.5) { -1.0 } else { 1.0 };
        let beta = (sign * self.config.beta) as f32;
        let eps = self.config.step_size as f32;
        let record = std::mem::take(&mut self.record_next);
        if record {
            self.recorder.start(&self.net, &self.relax, self.batch_labels[0]);
            self.recorder.beta = beta;
        }
        let recorder = if record { Some(&mut self.recorder) } else { None };
        // Free phase: the prediction and the loss are those of its fixed point.
        self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, recorder);
        let (loss, correct) = self.relax.cost_and_correct();
        if !loss.is_finite() {
            return Err(self.diverge(loss / n as f64));
        }
        self.relax.save_state(&mut self.free);
        if let Some(particles) = &mut self.particles {
            for (l, p) in particles.iter_mut().enumerate() {
                for (row, &i) in index.iter().enumerate() {
                    p.row_mut(i).assign(&self.free[l].row(row));
                }
            }
        }
        // Weakly clamped phase from the free fixed point, then the update.
        let recorder = if record { Some(&mut self.recorder) } else { None };
        self.relax.relax(&self.net, self.config.nudged_steps, eps, beta, recorder);
        self.relax.apply_update(&mut self.net, &self.free, beta, &self.rates);
        if let Some(epoch) = self.batches.finish(n, loss, correct) {
            if !self.net.is_finite() {
                return Err(self.diverge(f64::NAN));
            }
            self.record_epoch(epoch.loss, epoch.accuracy)?;
        }
        Ok(n)
    }

    fn finished(&self) -> bool {
        self.batches.epoch >= self.config.epochs
    }

    fn failure(&self) -> Option<&Error> {
        self.diverged.as_ref()
    }

    fn rows(&self) -> usize {
        self.metrics.rows.len()
    }
}

impl Rule for EquilibriumPropagation {
    fn id(&self) -> &'static str {
        "eqprop"
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        self.step_minibatches(budget)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    fn progress(&self) -> Progress {
        self.batches.progress()
    }

    /// Frames: `sizes`; `relaxation.energy` / `relaxation.cost` (`[T+1]`, E and C after each step
    /// of the last recorded relaxation of one example, initial state first, free phase then nudged
    /// phase), `relaxation.free_steps` (`[1]`, the index where the nudged phase starts),
    /// `relaxation.beta` (`[1]`, signed), `relaxation.output` (`[T+1, classes]`),
    /// `relaxation.hidden` (`[T+1, k]`, k ≤ 64 first-layer units, listed in
    /// `relaxation.hidden_units`), `relaxation.input` (`[d]`) and `relaxation.label` (`[1]`);
    /// `diagram.w{l}` / `diagram.units{l}` as the feed-forward rules send them;
    /// `receptive_fields` (`[≤36, 784]`, MNIST) or `boundary` and `points` (2-D sets); `confusion`.
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let sizes = self.net.sizes.clone();
        snap.push("sizes", vec![sizes.len()], sizes.iter().map(|&s| s as f32).collect());
        let rec = &self.recorder;
        let steps = rec.steps();
        snap.push("relaxation.energy", vec![steps], rec.energy.clone());
        snap.push("relaxation.cost", vec![steps], rec.cost.clone());
        snap.push("relaxation.free_steps", vec![1], vec![rec.free_steps as f32]);
        snap.push("relaxation.beta", vec![1], vec![rec.beta]);
        snap.push("relaxation.output", vec![steps, *sizes.last().expect("sizes")], rec.output.clone());
        snap.push("relaxation.hidden", vec![steps, rec.hidden_units.len()], rec.hidden.clone());
        snap.push(
            "relaxation.hidden_units",
            vec![rec.hidden_units.len()],
            rec.hidden_units.iter().map(|&j| j as f32).collect(),
        );
        snap.push("relaxation.input", vec![rec.input.len()], rec.input.clone());
        snap.push("relaxation.label", vec![1], vec![rec.label as f32]);
        // Ask the next minibatch to record its relaxation for the next snapshot.
        self.record_next = true;
        snap.push_network_diagram(&sizes, &self.net.w);
        if self.config.data.is_planar() && sizes[0] == 2 {
            self.push_boundary(&mut snap);
        } else if self.config.data == DataKind::Mnist {
            snap.push_receptive_fields(&self.net.w[0]);
        }
        if let Some(test) = &self.last_test {
            snap.push_confusion(&test.confusion);
        }
        snap
    }
}
