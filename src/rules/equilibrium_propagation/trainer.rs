//! [`EquilibriumPropagation`], the [`Rule`]: one minibatch per work unit (free phase, nudged
//! phase, update), an evaluation at the end of every epoch, and the frames it draws. The
//! minibatch schedule, the metric rows, the evaluation and the decision-boundary map are the
//! feed-forward trainer's ([`crate::rules::feedforward`]); what is EqProp's own is how a chunk of
//! examples is run (a free phase from zero) and the relaxation diagnostics.

use super::config::EqPropConfig;
use super::network::EqNet;
use super::relaxation::{Recorder, Relaxation};
use crate::data::{DataKind, Split};
use crate::nn::mlp::Targets;
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::{shown_units, MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome, Weights};
use crate::rules::feedforward::{ChunkModel, EpochLog, Evaluation, MinibatchTraining, EVAL_CHUNK};
use crate::{Error, Result};
use ndarray::{s, Array2, ArrayView2};
use rand::Rng;
use std::sync::Arc;

/// First-layer units whose relaxation is recorded for drawing.
const SHOWN_HIDDEN: usize = 64;

/// A classifier trained by Equilibrium Propagation. One work unit is one minibatch (free phase,
/// nudged phase, update).
pub struct EquilibriumPropagation {
    config: EqPropConfig,
    net: EqNet<f32>,
    data: Arc<Split>,
    sign_rng: SimRng,
    batch_x: Array2<f32>,
    batch_labels: Vec<u8>,
    batch_targets: Array2<f32>,
    relax: Relaxation<f32>,
    eval: Relaxation<f32>,
    /// The free fixed point of the current batch.
    free: Vec<Array2<f32>>,
    /// With symmetric nudging: the fixed points of the +β and −β phases.
    plus: Vec<Array2<f32>>,
    minus: Vec<Array2<f32>>,
    /// Persistent particles: each training example's last free fixed point, per free layer.
    particles: Option<Vec<Array2<f32>>>,
    rates: Vec<f32>,
    log: EpochLog,
    recorder: Recorder,
    record_next: bool,
}

/// Extra metric columns after [`COLUMNS`](crate::rules::feedforward::COLUMNS), measured each epoch on the first minibatch of the
/// training set relaxed from zero for `free_steps` steps: `free_energy`, the mean energy `E` at
/// the free fixed point, and `relaxation_residual`, the root-mean-square change of the free
/// units' states in the last step (≈ 0 when the free phase has settled).
pub const DIAGNOSTIC_COLUMNS: [&str; 2] = ["free_energy", "relaxation_residual"];

/// The largest root-mean-square change of a free unit's state in the last free step of a
/// training minibatch that still counts as settled. Measured with 20 free steps: on 784-500-10
/// MNIST (2–3 epochs) the largest residual of any minibatch was 0.0040 at ε = 0.5, 0.0027 at
/// ε = 0.8 and 0.0037 at ε = 1 (the first, untrained minibatches; medians 4e-4, 9e-5, 3e-5); on
/// the 2-D presets (2-64-2, ε = 0.5, 100 epochs) at most 0.011. A relaxation that oscillates
/// between two states moves by a sizeable fraction of the unit range each step (1.0 in
/// `tests/eqprop.rs`'s two-unit net at ε = 1). 0.05 sits between the two.
pub const UNSETTLED_RESIDUAL: f64 = 0.05;

/// The error of a free phase that did not settle. When ε is at or above the bound
/// `2 / (1 + ‖A‖)` of this network's couplings (power iteration), it names `step_size`, the bound
/// and the reference's 0.5; otherwise the steps descend the energy but too few were taken, and it
/// names `free_steps`.
fn unsettled_error(net: &EqNet<f32>, config: &EqPropConfig, residual: f64) -> Error {
    let norm = net.coupling_norm();
    let bound = 2.0 / (1.0 + norm);
    let what = format!(
        "the free phase did not settle: after {} steps of ε = {} the states still change by {residual:.3} per step \
         (root mean square; settled runs stay below {UNSETTLED_RESIDUAL})",
        config.free_steps, config.step_size
    );
    if config.step_size >= bound {
        Error::invalid(
            "step_size",
            format!(
                "{what}. The relaxation descends the energy only for step_size ε < 2/(1 + ‖A‖) = {bound:.3} with this \
                 network's couplings (‖A‖ = {norm:.2}); lower step_size (the reference uses 0.5)"
            ),
        )
    } else {
        Error::invalid("free_steps", format!("{what}; raise free_steps (the reference uses 20)"))
    }
}

impl EquilibriumPropagation {
    pub fn new(config: EqPropConfig, data: Arc<Split>) -> Result<Self> {
        Self::with_net(config, data, None)
    }

    /// Like [`Self::new`], but starting from the weights `net` instead of random ones (`None`: the
    /// seed's Glorot weights). Its sizes must match the data and `hidden`.
    pub fn with_net(config: EqPropConfig, data: Arc<Split>, net: Option<EqNet<f32>>) -> Result<Self> {
        config.validate()?;
        if data.train.is_empty() || data.test.is_empty() {
            return Err(Error::Data("the training or test set is empty".into()));
        }
        if data.train.targets.is_some() {
            return Err(Error::invalid("data", "Equilibrium Propagation here needs a classification set"));
        }
        let sizes = config.sizes(data.train.dims(), data.train.classes);
        let net = match net {
            Some(net) if net.sizes == sizes => net,
            Some(net) => {
                return Err(Error::invalid(
                    "hidden",
                    format!("the given network is {:?}, the data and settings ask for {sizes:?}", net.sizes),
                ))
            }
            None => EqNet::new(&sizes, &mut rng_for(config.seed, Stream::Weights)),
        };
        let batch = config.batch.min(data.train.len());
        let particles =
            config.persistent.then(|| sizes[1..].iter().map(|&w| Array2::zeros((data.train.len(), w))).collect());
        let recorder = Recorder {
            hidden_units: shown_units(sizes[1], SHOWN_HIDDEN),
            free_steps: config.free_steps,
            ..Recorder::default()
        };
        let mut model = Self {
            sign_rng: rng_for(config.seed, Stream::Simulation),
            batch_x: Array2::zeros((batch, sizes[0])),
            batch_labels: Vec::with_capacity(batch),
            batch_targets: Array2::zeros((batch, data.train.classes)),
            relax: Relaxation::new(&sizes, batch),
            eval: Relaxation::new(&sizes, EVAL_CHUNK),
            free: sizes[1..].iter().map(|&w| Array2::zeros((batch, w))).collect(),
            plus: if config.symmetric {
                sizes[1..].iter().map(|&w| Array2::zeros((batch, w))).collect()
            } else {
                vec![]
            },
            minus: if config.symmetric {
                sizes[1..].iter().map(|&w| Array2::zeros((batch, w))).collect()
            } else {
                vec![]
            },
            particles,
            rates: config.layer_lr.iter().map(|&r| r as f32).collect(),
            log: EpochLog::new(data.train.len(), config.seed, DIAGNOSTIC_COLUMNS.map(String::from)),
            recorder,
            record_next: true,
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
        self.log.last_test.as_ref()
    }

    /// The most recently recorded relaxation of one example.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
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

    /// Appends the metrics row for the epoch just finished, evaluating the test set at once (the
    /// untrained network's row, at build).
    fn record_epoch(&mut self, train_loss: f64, train_acc: f64) -> Result<()> {
        let data = Arc::clone(&self.data);
        let test = self.evaluate(&data.test);
        self.record_row(train_loss, train_acc, test)
    }

    /// Appends the metrics row of an epoch with its `test` evaluation and the diagnostics.
    fn record_row(&mut self, train_loss: f64, train_acc: f64, test: Evaluation) -> Result<()> {
        let data = Arc::clone(&self.data);
        let (net, relax, config) = (&self.net, &mut self.relax, &self.config);
        self.log.record(train_loss, train_acc, test, || {
            // Diagnostics on the first minibatch of the training set, from zero, fixed across epochs.
            let n = relax.capacity();
            relax.set_input(net, data.train.rows(0, n));
            relax.reset();
            let residual = relax.relax(net, config.free_steps, config.step_size as f32, 0.0, None);
            let free_energy = (0..n).map(|i| relax.energy_of(net, i)).sum::<f64>() / n as f64;
            vec![free_energy, residual]
        })
    }
}

/// A chunk runs as the free phase from zero, `free_steps` steps; its output is the output layer's
/// state and its loss the cost `C`.
impl ChunkModel for EquilibriumPropagation {
    fn run_chunk(&mut self, x: ArrayView2<'_, f32>, targets: Option<Targets<'_, f32>>, loss: f64) -> f64 {
        self.eval.set_input(&self.net, x);
        match targets {
            Some(Targets::Labels(labels)) => self.eval.set_labels(labels),
            Some(Targets::Values(values)) => self.eval.set_targets(values),
            None => {}
        }
        self.eval.reset();
        self.eval.relax(&self.net, self.config.free_steps, self.config.step_size as f32, 0.0, None);
        if targets.is_some() {
            self.eval.cost_and_correct_onto(loss).0
        } else {
            loss
        }
    }

    fn chunk_output(&self) -> ArrayView2<'_, f32> {
        self.eval.state(self.net.depth() - 1)
    }
}

impl MinibatchTraining for EquilibriumPropagation {
    /// Trains on one minibatch. Returns the number of examples used.
    fn train_batch(&mut self) -> Result<usize> {
        let index = self.log.batches.next(self.relax.capacity());
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
        let random_sign = self.config.random_beta_sign && !self.config.symmetric;
        let sign = if random_sign && self.sign_rng.random_bool(0.5) { -1.0 } else { 1.0 };
        let beta = (sign * self.config.beta) as f32;
        let eps = self.config.step_size as f32;
        let record = std::mem::take(&mut self.record_next);
        if record {
            self.recorder.start(&self.net, &self.relax, self.batch_labels[0]);
            self.recorder.beta = beta;
        }
        let recorder = if record { Some(&mut self.recorder) } else { None };
        // Free phase: the prediction and the loss are those of its fixed point.
        let residual = self.relax.relax(&self.net, self.config.free_steps, eps, 0.0, recorder);
        let (loss, correct) = self.relax.cost_and_correct();
        if !loss.is_finite() {
            return Err(self.log.diverge(loss / n as f64));
        }
        if residual.is_nan() || residual > UNSETTLED_RESIDUAL {
            let error = unsettled_error(&self.net, &self.config, residual);
            return Err(self.log.fail(error));
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
        if self.config.symmetric {
            // A second nudged phase at −β from the same free fixed point; the update is then
            // (α/2β)(ρρ|^{+β} − ρρ|^{−β}): the one-sided update with −β's fixed point as the base.
            self.relax.save_state(&mut self.plus);
            self.relax.load_state(&self.free);
            self.relax.relax(&self.net, self.config.nudged_steps, eps, -beta, None);
            self.relax.save_state(&mut self.minus);
            self.relax.load_state(&self.plus);
            self.relax.apply_update(&mut self.net, &self.minus, 2.0 * beta, &self.rates);
        } else {
            self.relax.apply_update(&mut self.net, &self.free, beta, &self.rates);
        }
        if let Some(epoch) = self.log.batches.finish(n, loss, correct) {
            if !self.net.is_finite() {
                return Err(self.log.diverge(f64::NAN));
            }
            // The test set is evaluated a minibatch's rows per unit.
            self.log.end_epoch(epoch.loss, epoch.accuracy, &self.data.test, self.relax.capacity());
        }
        Ok(n)
    }

    fn evaluate_piece(&mut self) -> Result<usize> {
        let (rows, ended) = self.next_test_piece();
        let Some((train_loss, train_acc, test)) = ended else { return Ok(rows) };
        self.record_row(train_loss, train_acc, test)?;
        // The diagnostics relaxed a minibatch's rows too.
        Ok(rows + self.relax.capacity())
    }

    fn epochs(&self) -> u32 {
        self.config.epochs
    }

    fn log(&self) -> &EpochLog {
        &self.log
    }

    fn log_mut(&mut self) -> &mut EpochLog {
        &mut self.log
    }

    fn data(&self) -> Arc<Split> {
        Arc::clone(&self.data)
    }
}

impl Rule for EquilibriumPropagation {
    fn id(&self) -> RuleId {
        RuleId::Eqprop
    }

    fn predict(&mut self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f64>> {
        self.predict_classes(inputs)
    }

    /// `w{l}` then `b{l}` per layer.
    fn weights(&self) -> Result<Weights> {
        let mut arrays = Weights::frames("w", self.net.w.iter().map(|w| w.view()));
        arrays.extend(Weights::bias_frames(self.net.b.iter().map(|b| b.as_slice().expect("biases are contiguous"))));
        Ok(Weights::new(RuleId::Eqprop, &self.config, self.net.sizes.clone(), arrays))
    }

    /// Rebuilds the model around the loaded network ([`Self::with_net`]): a fresh build's
    /// data order and random streams, its first row evaluating the loaded weights.
    fn load_weights(&mut self, weights: &Weights) -> Result<()> {
        weights.check_fits(&self.weights()?)?;
        let mut net = self.net.clone();
        for (l, (w, b)) in net.w.iter_mut().zip(&mut net.b).enumerate() {
            w.assign(&weights.matrix(&format!("w{l}")).expect("checked"));
            b.assign(&ndarray::ArrayView1::from(weights.values(&format!("b{l}")).expect("checked")));
        }
        *self = Self::with_net(self.config.clone(), Arc::clone(&self.data), Some(net))?;
        Ok(())
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        self.step_minibatches(budget)
    }

    fn metrics(&self) -> &MetricTable {
        &self.log.metrics
    }

    fn progress(&self) -> Progress {
        self.log.batches.progress()
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
            // The output for class 1, as a share of the difference between the two outputs.
            let data = Arc::clone(&self.data);
            self.push_boundary(&mut snap, &data.train, |r| ((r[1] - r[0] + 1.0) / 2.0).clamp(0.0, 1.0));
        } else if self.config.data == DataKind::Mnist {
            snap.push_receptive_fields(&self.net.w[0]);
        }
        if let Some(test) = &self.log.last_test {
            snap.push_confusion(&test.confusion);
        }
        snap
    }
}
