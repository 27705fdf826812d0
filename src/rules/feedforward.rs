//! The minibatch loop shared by every rule that trains a feed-forward classifier: shuffle, forward,
//! output error, *credit assignment* (the rule's own part), SGD update, and an evaluation on the
//! test set at the end of every epoch.
//!
//! Its parts that do not depend on the network serve Equilibrium Propagation and the segregated
//! dendrites too: the minibatch schedule ([`Minibatches`]), the step loop
//! ([`MinibatchTraining`]), the per-epoch metric rows and divergence ([`EpochLog`]), and the
//! evaluation and decision-boundary map of a model that runs chunks of examples ([`ChunkModel`]).
//!
//! A work unit is a minibatch or, at an epoch's end, a piece of the test-set evaluation of at
//! most a minibatch's rows ([`PartialEvaluation`]): the epoch's row is appended once the last
//! piece is done, with exactly the numbers of an evaluation run at once.

use crate::data::{Dataset, Split};
use crate::metrics::Confusion;
use crate::nn::mlp::{argmax, LayerGradient, Targets};
use crate::nn::{Mlp, Real, Trace};
use crate::rng::{rng_for, SimRng, Stream};
use crate::rule::RuleId;
use crate::rule::{MetricTable, Progress, Rule, Snapshot, StepOutcome, Weights};
use crate::rules::FeedforwardConfig;
use crate::{Error, Result};
use ndarray::{s, Array2, ArrayView1, ArrayView2};
use rand::seq::SliceRandom;
use std::sync::Arc;

/// How a rule turns the output error into hidden-layer errors.
pub trait Credit<F: Real> {
    /// The rule's identifier (`"bp"`, `"fa"`, …).
    fn id(&self) -> RuleId;

    /// Fills `trace.delta[l]` for every hidden layer, given the output error in the last `delta`
    /// and the forward activities in `trace.h`. `targets` are the batch's targets, for rules
    /// that probe the loss itself (perturbation learning; they may overwrite the output's
    /// `delta` with their own estimate).
    fn assign(&mut self, net: &Mlp<F>, trace: &mut Trace<F>, targets: Targets<'_, F>);

    /// A rule whose estimate is not of the form `h_{l−1}ᵀ δ_l` (weight perturbation) returns its
    /// per-layer gradient estimates here, after [`Self::assign`]; the update then uses them
    /// instead of the trace's deltas.
    fn gradients(&self) -> Option<&[LayerGradient<F>]> {
        None
    }

    /// Which layers learn (all, unless the rule freezes some).
    fn learns(&self, depth: usize) -> Vec<bool> {
        vec![true; depth]
    }

    /// Called after every weight update with the batch's trace, for rules that also learn their
    /// feedback pathway.
    fn after_update(&mut self, _net: &Mlp<F>, _trace: &Trace<F>, _config: &FeedforwardConfig) {}

    /// The feedback pathway the rule keeps (FA's `B`, Kolen–Pollack's learned `B`, …), saved
    /// with the weights as `feedback{k}` in this order; none by default.
    fn feedback(&self) -> Vec<&Array2<F>> {
        Vec::new()
    }

    /// The same matrices as [`Self::feedback`], in the same order, to load saved ones into.
    fn feedback_mut(&mut self) -> Vec<&mut Array2<F>> {
        Vec::new()
    }

    /// Names of extra per-epoch measurements (e.g. alignment angles).
    fn diagnostic_columns(&self, _depth: usize) -> Vec<String> {
        Vec::new()
    }

    /// The extra measurements, computed on the trace of a representative batch (with its
    /// output error, and its `targets`).
    fn diagnostics(&mut self, _net: &Mlp<F>, _trace: &Trace<F>, _targets: Targets<'_, F>) -> Vec<f64> {
        Vec::new()
    }
}

/// Columns every feed-forward run reports, in order.
pub const COLUMNS: [&str; 6] = ["epoch", "samples", "train_loss", "train_acc", "test_loss", "test_acc"];

/// The test-set evaluation.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
    pub confusion: Confusion,
}

/// The order in which a training set is visited, one minibatch at a time, and the running
/// totals of the epoch under way. Every epoch starts by reshuffling with the run's data-order
/// stream, so two rules with the same seed see the same examples in the same order.
#[derive(Debug, Clone)]
pub struct Minibatches {
    rng: SimRng,
    order: Vec<usize>,
    cursor: usize,
    /// Epochs finished.
    pub epoch: u32,
    /// Examples trained on since the start.
    pub samples: u64,
    epoch_loss: f64,
    epoch_correct: usize,
}

/// The training loss and accuracy of an epoch just finished.
#[derive(Debug, Clone, Copy)]
pub struct EpochTotals {
    /// Mean loss per example.
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
}

impl Minibatches {
    /// Visits `examples` examples in an order drawn from `seed`'s data-order stream.
    pub fn new(examples: usize, seed: u64) -> Self {
        Self {
            rng: rng_for(seed, Stream::DataOrder),
            order: (0..examples).collect(),
            cursor: 0,
            epoch: 0,
            samples: 0,
            epoch_loss: 0.0,
            epoch_correct: 0,
        }
    }

    /// The example indices of the next minibatch, at most `size` of them (shuffling first when
    /// an epoch begins). [`Self::finish`] moves past them.
    pub fn next(&mut self, size: usize) -> &[usize] {
        if self.cursor == 0 {
            self.order.shuffle(&mut self.rng);
        }
        let end = (self.cursor + size).min(self.order.len());
        &self.order[self.cursor..end]
    }

    /// Records the `n` examples just trained on, their summed loss and correct count; returns
    /// the epoch's totals when they finished it.
    pub fn finish(&mut self, n: usize, loss: f64, correct: usize) -> Option<EpochTotals> {
        self.cursor += n;
        self.samples += n as u64;
        self.epoch_loss += loss;
        self.epoch_correct += correct;
        if self.cursor < self.order.len() {
            return None;
        }
        let seen = self.order.len() as f64;
        let totals = EpochTotals { loss: self.epoch_loss / seen, accuracy: self.epoch_correct as f64 / seen };
        (self.cursor, self.epoch_loss, self.epoch_correct) = (0, 0.0, 0);
        self.epoch += 1;
        Some(totals)
    }

    /// Examples done and epochs done (fractional).
    pub fn progress(&self) -> Progress {
        Progress { samples: self.samples, epoch: self.epoch as f64 + self.cursor as f64 / self.order.len() as f64 }
    }
}

/// An evaluation of a set under way, one piece of rows per work unit. Pieces never cross a chunk
/// of [`EVAL_CHUNK`] rows, and every loss term is added in row order within its chunk, the
/// chunks' sums then one by one: the result is bit for bit [`ChunkModel::evaluate`]'s.
#[derive(Debug, Clone)]
pub struct PartialEvaluation {
    rows_per_piece: usize,
    /// The first row not yet run.
    next: usize,
    /// The loss summed over the chunk under way, and over the chunks done.
    chunk_loss: f64,
    loss: f64,
    confusion: Confusion,
}

impl PartialEvaluation {
    /// An evaluation of `set` that runs at most `rows_per_piece` rows at a time.
    pub fn new(set: &Dataset, rows_per_piece: usize) -> Self {
        Self {
            rows_per_piece: rows_per_piece.clamp(1, EVAL_CHUNK),
            next: 0,
            chunk_loss: 0.0,
            loss: 0.0,
            confusion: Confusion::new(set.classes),
        }
    }

    /// True once every row of `set` has run.
    pub fn done(&self, set: &Dataset) -> bool {
        self.next >= set.len()
    }

    /// Runs the next piece of `set` through `model`; returns how many rows it ran.
    pub fn advance<M: ChunkModel + ?Sized>(&mut self, model: &mut M, set: &Dataset) -> usize {
        let start = self.next;
        let chunk_end = ((start / EVAL_CHUNK + 1) * EVAL_CHUNK).min(set.len());
        let end = (start + self.rows_per_piece).min(chunk_end);
        self.chunk_loss = model.run_chunk(set.rows(start, end), Some(set.targets(start, end)), self.chunk_loss);
        for (row, &truth) in model.chunk_output().rows().into_iter().zip(&set.labels[start..end]) {
            self.confusion.record(truth as usize, argmax(row.iter().copied()));
        }
        if end == chunk_end {
            self.loss += std::mem::take(&mut self.chunk_loss);
        }
        self.next = end;
        end - start
    }

    /// Loss (mean per example), accuracy and confusion, once [`Self::done`]. A regression set has
    /// no classes to be right about: its accuracy is NaN.
    pub fn finish(self, set: &Dataset) -> Evaluation {
        debug_assert!(self.done(set), "an evaluation finished early");
        let accuracy = if set.targets.is_some() { f64::NAN } else { self.confusion.accuracy() };
        Evaluation { loss: self.loss / set.len() as f64, accuracy, confusion: self.confusion }
    }
}

/// What a model trained by minibatches is doing.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Training, one minibatch per work unit.
    Training,
    /// An epoch's minibatches are done (their training loss and accuracy are kept); its test-set
    /// evaluation runs a piece per work unit, then the epoch's row is appended.
    EndingEpoch { train_loss: f64, train_acc: f64, test: PartialEvaluation },
}

/// The bookkeeping of a classifier trained one minibatch at a time: the minibatch schedule, the
/// metric table (one row per epoch, [`COLUMNS`] then the rule's own columns), the epoch-end
/// evaluation under way, the last test evaluation, and the error that stopped the run.
#[derive(Debug, Clone)]
pub struct EpochLog {
    pub batches: Minibatches,
    pub metrics: MetricTable,
    pub phase: Phase,
    /// The test-set evaluation at the end of the last epoch.
    pub last_test: Option<Evaluation>,
    diverged: Option<Error>,
}

impl EpochLog {
    /// Visits `examples` training examples in `seed`'s data order (see [`Minibatches`]); the
    /// metric table has [`COLUMNS`] and then `extra_columns`.
    pub fn new(examples: usize, seed: u64, extra_columns: impl IntoIterator<Item = String>) -> Self {
        let mut columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        columns.extend(extra_columns);
        Self {
            batches: Minibatches::new(examples, seed),
            metrics: MetricTable { columns, rows: Vec::new() },
            phase: Phase::Training,
            last_test: None,
            diverged: None,
        }
    }

    /// Stops the run: remembers and returns [`Error::Diverged`] at the current (fractional) epoch
    /// with `loss`.
    pub fn diverge(&mut self, loss: f64) -> Error {
        let error = Error::Diverged { epoch: self.batches.progress().epoch, loss };
        self.diverged = Some(error.clone());
        error
    }

    /// Stops the run with `error` (remembered: every later step returns it again).
    pub fn fail(&mut self, error: Error) -> Error {
        self.diverged = Some(error.clone());
        error
    }

    /// The error that stopped the run, if it diverged.
    pub fn failure(&self) -> Option<&Error> {
        self.diverged.as_ref()
    }

    /// Starts the end of the epoch just trained (its training loss and accuracy): the test set's
    /// evaluation, `rows_per_piece` rows per work unit.
    pub fn end_epoch(&mut self, train_loss: f64, train_acc: f64, test: &Dataset, rows_per_piece: usize) {
        let test = PartialEvaluation::new(test, rows_per_piece);
        self.phase = Phase::EndingEpoch { train_loss, train_acc, test };
    }

    /// Appends the row of the epoch just finished: its training loss and accuracy, the `test`
    /// evaluation, then the rule's own measurements, which `extra` takes (only for a finite row).
    /// A non-finite training or test loss stops the run instead ([`Self::diverge`] with the
    /// training loss if it is the non-finite one, else the test loss).
    pub fn record(
        &mut self,
        train_loss: f64,
        train_acc: f64,
        test: Evaluation,
        extra: impl FnOnce() -> Vec<f64>,
    ) -> Result<()> {
        if !test.loss.is_finite() || !train_loss.is_finite() {
            return Err(self.diverge(if train_loss.is_finite() { test.loss } else { train_loss }));
        }
        let mut row = vec![
            self.batches.epoch as f64,
            self.batches.samples as f64,
            train_loss,
            train_acc,
            test.loss,
            test.accuracy,
        ];
        row.extend(extra());
        self.metrics.push(row);
        self.last_test = Some(test);
        Ok(())
    }
}

/// A model trained one minibatch per work unit, until a set number of epochs, whose epoch ends
/// with a test-set evaluation run a piece per work unit ([`Phase`]).
pub trait MinibatchTraining {
    /// Trains on one minibatch; returns how many examples it used. At an epoch's end it calls
    /// [`EpochLog::end_epoch`] (or records the epoch's row itself).
    fn train_batch(&mut self) -> Result<usize>;
    /// Runs the next piece of the epoch-end evaluation under way, and appends the epoch's row
    /// after the last; returns the examples it ran (rows evaluated, and any diagnostics').
    fn evaluate_piece(&mut self) -> Result<usize>;
    /// The configured number of epochs.
    fn epochs(&self) -> u32;
    /// Its schedule, metric table and divergence.
    fn log(&self) -> &EpochLog;
    fn log_mut(&mut self) -> &mut EpochLog;
    /// The data it trains on and evaluates.
    fn data(&self) -> Arc<Split>;

    /// Runs the next piece of the epoch-end evaluation under way: returns the rows it ran and,
    /// after the last, the epoch's training loss and accuracy and its test evaluation, for the
    /// row ([`Self::evaluate_piece`] appends it).
    fn next_test_piece(&mut self) -> (usize, Option<(f64, f64, Evaluation)>)
    where
        Self: ChunkModel + Sized,
    {
        let data = self.data();
        let Phase::EndingEpoch { train_loss, train_acc, mut test } =
            std::mem::replace(&mut self.log_mut().phase, Phase::Training)
        else {
            return (0, None);
        };
        let rows = test.advance(self, &data.test);
        if !test.done(&data.test) {
            self.log_mut().phase = Phase::EndingEpoch { train_loss, train_acc, test };
            return (rows, None);
        }
        (rows, Some((train_loss, train_acc, test.finish(&data.test))))
    }

    /// [`Rule::predict`] for such models: runs `inputs` (`n × d`, `d` the training data's width)
    /// through [`ChunkModel::run_chunk`] without targets, [`EVAL_CHUNK`] rows at a time, and
    /// turns each output row into class probabilities (f64): negatives clipped to zero, divided
    /// by the row's sum, uniform when the sum is zero. Softmax outputs come back as they are
    /// (renormalised in f64). Only the evaluation buffers are written: the weights, the
    /// schedule, the random streams and an epoch-end evaluation under way are untouched (its
    /// pieces read their chunk's output as soon as they run it).
    ///
    /// Errors: [`Error::InvalidConfig`] named `inputs` for a regression set (no classes), a row
    /// of the wrong width, or a non-finite value; [`Error::Diverged`] when an output is not
    /// finite.
    fn predict_classes(&mut self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f64>>
    where
        Self: ChunkModel + Sized + Rule,
    {
        let data = self.data();
        let rule = self.id().label();
        if data.train.targets.is_some() {
            return Err(Error::invalid("inputs", format!("the {rule} model fits real values: it has no classes")));
        }
        let width = data.train.dims();
        if inputs.ncols() != width {
            let what = if width == 28 * 28 { " (a 28 × 28 image, row by row, pixels in [0, 1])" } else { "" };
            return Err(Error::invalid(
                "inputs",
                format!("the {rule} model takes {width} values per example{what}, not {}", inputs.ncols()),
            ));
        }
        if inputs.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid("inputs", "every input value must be a finite number"));
        }
        let classes = data.train.classes;
        let mut out = Array2::zeros((inputs.nrows(), classes));
        for start in (0..inputs.nrows()).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(inputs.nrows());
            self.run_chunk(inputs.slice(s![start..end, ..]), None, 0.0);
            let output = self.chunk_output();
            for (i, row) in output.rows().into_iter().take(end - start).enumerate() {
                if row.iter().any(|v| !v.is_finite()) {
                    return Err(Error::Diverged { epoch: self.progress().epoch, loss: f64::NAN });
                }
                let clipped: Vec<f64> = row.iter().map(|&v| f64::from(v).max(0.0)).collect();
                let sum: f64 = clipped.iter().sum();
                for (k, p) in clipped.into_iter().enumerate() {
                    out[[start + i, k]] = if sum > 0.0 { p / sum } else { 1.0 / classes as f64 };
                }
            }
        }
        Ok(out)
    }

    /// True once the configured epochs are done and the last one's row is recorded.
    fn finished(&self) -> bool {
        self.log().batches.epoch >= self.epochs() && matches!(self.log().phase, Phase::Training)
    }

    /// [`Rule::step`] for such models: up to `budget` work units (at least one), each a minibatch
    /// or a piece of an epoch-end evaluation, none after a divergence. `work` counts the examples
    /// trained on and evaluated.
    fn step_minibatches(&mut self, budget: u32) -> Result<StepOutcome> {
        if let Some(error) = self.log().failure() {
            return Err(error.clone());
        }
        let rows_before = self.log().metrics.rows.len();
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && !self.finished() {
            if matches!(self.log().phase, Phase::Training) {
                let n = self.train_batch()?;
                outcome.samples += n as u64;
                outcome.work += n as u64;
            } else {
                outcome.work += self.evaluate_piece()? as u64;
            }
            outcome.units += 1;
        }
        outcome.new_rows = self.log().metrics.rows.len() - rows_before;
        outcome.finished = self.finished();
        Ok(outcome)
    }
}

/// Examples per chunk when a model is evaluated (and when it maps a decision boundary).
pub const EVAL_CHUNK: usize = 500;
/// Resolution of the decision-boundary map of 2-D sets.
pub const BOUNDARY_SIZE: usize = 64;
/// Half-width of the square the boundary map covers.
pub const BOUNDARY_EXTENT: f32 = 1.25;

/// A classifier that runs a chunk of examples at a time into buffers of its own: all that the
/// shared evaluation and decision-boundary map need.
pub trait ChunkModel {
    /// Runs the inputs `x` (`n × d`, `n ≤` [`EVAL_CHUNK`]); with `targets`, returns `loss` plus
    /// their losses, added one by one in row order (else `loss`).
    fn run_chunk(&mut self, x: ArrayView2<'_, f32>, targets: Option<Targets<'_, f32>>, loss: f64) -> f64;

    /// The outputs of the last chunk, `n × classes`.
    fn chunk_output(&self) -> ArrayView2<'_, f32>;

    /// Loss (mean per example), accuracy and confusion on `set`; the prediction is the largest
    /// output. A regression set has no classes to be right about: its accuracy is NaN.
    fn evaluate(&mut self, set: &Dataset) -> Evaluation {
        let mut run = PartialEvaluation::new(set, EVAL_CHUNK);
        while !run.done(set) {
            run.advance(self, set);
        }
        run.finish(set)
    }

    /// Pushes the frames of a 2-D set: `boundary` (`[64, 64]`, `value` of the output over a grid
    /// covering `±1.25` in both directions, top row = largest y) and `points` (`[n, 3]`: x, y and
    /// label of each point of `train`).
    fn push_boundary(&mut self, snap: &mut Snapshot, train: &Dataset, value: impl Fn(ArrayView1<'_, f32>) -> f32) {
        let size = BOUNDARY_SIZE;
        let mut grid = Array2::zeros((size * size, 2));
        for (k, mut row) in grid.rows_mut().into_iter().enumerate() {
            let (i, j) = (k / size, k % size);
            let to_plane = |v: usize| -BOUNDARY_EXTENT + 2.0 * BOUNDARY_EXTENT * (v as f32 + 0.5) / size as f32;
            row[0] = to_plane(j);
            row[1] = -to_plane(i); // top row = largest y
        }
        let mut values = Vec::with_capacity(size * size);
        for start in (0..size * size).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(size * size);
            self.run_chunk(grid.slice(s![start..end, ..]), None, 0.0);
            values.extend(self.chunk_output().rows().into_iter().map(&value));
        }
        snap.push("boundary", vec![size, size], values);
        let points =
            (0..train.len()).flat_map(|i| [train.x[[i, 0]], train.x[[i, 1]], train.labels[i] as f32]).collect();
        snap.push("points", vec![train.len(), 3], points);
    }
}

/// A feed-forward classifier trained by the rule `C`.
pub struct Feedforward<C> {
    config: FeedforwardConfig,
    credit: C,
    net: Mlp<f32>,
    data: Arc<Split>,
    batch_x: Array2<f32>,
    batch_labels: Vec<u8>,
    batch_targets: Array2<f32>,
    trace: Trace<f32>,
    eval_trace: Trace<f32>,
    /// Per-layer learning rates (0 for layers that do not learn).
    rates: Vec<f32>,
    log: EpochLog,
}

impl<C: Credit<f32>> Feedforward<C> {
    pub fn new(config: FeedforwardConfig, data: Arc<Split>, credit: C) -> Result<Self> {
        config.validate()?;
        if data.train.is_empty() {
            return Err(Error::Data("the training set is empty".into()));
        }
        let sizes = config.sizes(data.train.dims(), data.train.classes);
        let net = Mlp::new(
            &sizes,
            config.activation,
            config.loss,
            config.init,
            config.init_scale,
            &mut rng_for(config.seed, Stream::Weights),
        );
        let batch = config.batch.min(data.train.len());
        let depth = net.depth();
        let rates = (credit.learns(depth).into_iter().enumerate())
            .map(|(l, learns)| if learns { config.layer_rate(l) as f32 } else { 0.0 })
            .collect();
        let mut model = Self {
            log: EpochLog::new(data.train.len(), config.seed, credit.diagnostic_columns(net.depth())),
            batch_x: Array2::zeros((batch, sizes[0])),
            batch_labels: Vec::with_capacity(batch),
            batch_targets: Array2::zeros((batch, *sizes.last().expect("sizes"))),
            trace: Trace::new(&sizes, batch),
            eval_trace: Trace::new(&sizes, EVAL_CHUNK),
            rates,
            config,
            credit,
            net,
            data,
        };
        // Row 0: the untrained network, so every curve starts at chance.
        let data = Arc::clone(&model.data);
        let train = model.evaluate(&data.train);
        model.record_epoch(train.loss, train.accuracy)?;
        Ok(model)
    }

    pub fn net(&self) -> &Mlp<f32> {
        &self.net
    }

    pub fn credit(&self) -> &C {
        &self.credit
    }

    /// The test-set evaluation at the end of the last epoch.
    pub fn last_test(&self) -> Option<&Evaluation> {
        self.log.last_test.as_ref()
    }

    /// Appends the metrics row for the epoch just finished, evaluating the test set at once (the
    /// untrained network's row, at build).
    fn record_epoch(&mut self, train_loss: f64, train_acc: f64) -> Result<()> {
        let data = Arc::clone(&self.data);
        let test = self.evaluate(&data.test);
        self.record_row(train_loss, train_acc, test)
    }

    /// Appends the metrics row of an epoch with its `test` evaluation and the rule's diagnostics.
    fn record_row(&mut self, train_loss: f64, train_acc: f64, test: Evaluation) -> Result<()> {
        let data = Arc::clone(&self.data);
        let (net, trace, credit) = (&self.net, &mut self.trace, &mut self.credit);
        self.log.record(train_loss, train_acc, test, || {
            // Diagnostics are measured on the first minibatch of the training set, fixed across epochs.
            let n = trace.capacity();
            net.forward(data.train.rows(0, n), trace);
            net.output_error(trace, data.train.targets(0, n));
            credit.diagnostics(net, trace, data.train.targets(0, n))
        })
    }
}

impl<C: Credit<f32>> ChunkModel for Feedforward<C> {
    fn run_chunk(&mut self, x: ArrayView2<'_, f32>, targets: Option<Targets<'_, f32>>, loss: f64) -> f64 {
        self.net.forward(x, &mut self.eval_trace);
        targets.map_or(loss, |targets| self.net.output_error_onto(&mut self.eval_trace, targets, loss).0)
    }

    fn chunk_output(&self) -> ArrayView2<'_, f32> {
        self.eval_trace.output()
    }
}

impl<C: Credit<f32>> MinibatchTraining for Feedforward<C> {
    fn train_batch(&mut self) -> Result<usize> {
        let train = &self.data.train;
        let index = self.log.batches.next(self.trace.capacity());
        let n = index.len();
        train.gather(index, &mut self.batch_x, &mut self.batch_labels, &mut self.batch_targets);
        self.net.forward(self.batch_x.slice(s![..n, ..]), &mut self.trace);
        let regression = train.targets.is_some();
        let targets = match train.targets {
            Some(_) => Targets::Values(self.batch_targets.slice(s![..n, ..])),
            None => Targets::Labels(&self.batch_labels),
        };
        let (loss, correct) = self.net.output_error(&mut self.trace, targets);
        if !loss.is_finite() {
            return Err(self.log.diverge(loss));
        }
        self.credit.assign(&self.net, &mut self.trace, targets);
        let (momentum, decay) = (self.config.momentum as f32, self.config.weight_decay as f32);
        match self.credit.gradients() {
            Some(gradients) => self.net.apply_gradients(gradients, &self.rates, momentum, decay),
            None => self.net.apply_update(&self.trace, &self.rates, momentum, decay),
        }
        self.credit.after_update(&self.net, &self.trace, &self.config);
        if let Some(epoch) = self.log.batches.finish(n, loss, correct) {
            // A regression set has no classes to be right about. The test set is evaluated a
            // minibatch's rows per unit.
            let accuracy = if regression { f64::NAN } else { epoch.accuracy };
            self.log.end_epoch(epoch.loss, accuracy, &self.data.test, self.trace.capacity());
        }
        Ok(n)
    }

    fn evaluate_piece(&mut self) -> Result<usize> {
        let (rows, ended) = self.next_test_piece();
        let Some((train_loss, train_acc, test)) = ended else { return Ok(rows) };
        self.record_row(train_loss, train_acc, test)?;
        if !self.net.is_finite() {
            return Err(self.log.diverge(f64::NAN));
        }
        // The diagnostics ran a minibatch's rows too.
        Ok(rows + self.trace.capacity())
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

impl<C: Credit<f32>> Rule for Feedforward<C> {
    fn id(&self) -> RuleId {
        self.credit.id()
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

    fn predict(&mut self, inputs: ArrayView2<'_, f32>) -> Result<Array2<f64>> {
        self.predict_classes(inputs)
    }

    /// `w{l}` per layer, `b{l}` per layer, then the rule's `feedback{k}` ([`Credit::feedback`]).
    fn weights(&self) -> Result<Weights> {
        let layers = &self.net.layers;
        let mut arrays = Weights::frames("w", layers.iter().map(|l| l.w.view()));
        arrays.extend(Weights::bias_frames(layers.iter().map(|l| l.b.as_slice().expect("biases are contiguous"))));
        arrays.extend(Weights::frames("feedback", self.credit.feedback().into_iter().map(|b| b.view())));
        Ok(Weights::new(self.credit.id(), &self.config, self.net.sizes.clone(), arrays))
    }

    /// Loads `w{l}`, `b{l}` and the feedback, clears the forward weights' momentum, and starts a
    /// new metric table and data order (see [`Rule::load_weights`]); a fresh build's other
    /// state (feedback momentum, perturbation noise) is the caller's to provide, by loading
    /// into a freshly built model as the session does.
    fn load_weights(&mut self, weights: &Weights) -> Result<()> {
        weights.check_fits(&self.weights()?)?;
        for l in 0..self.net.depth() {
            let b = weights.values(&format!("b{l}")).expect("checked");
            self.net.set_layer(l, weights.matrix(&format!("w{l}")).expect("checked"), ndarray::ArrayView1::from(b));
        }
        for (k, b) in self.credit.feedback_mut().into_iter().enumerate() {
            b.assign(&weights.matrix(&format!("feedback{k}")).expect("checked"));
        }
        self.log =
            EpochLog::new(self.data.train.len(), self.config.seed, self.credit.diagnostic_columns(self.net.depth()));
        let data = Arc::clone(&self.data);
        let train = self.evaluate(&data.train);
        self.record_epoch(train.loss, train.accuracy)
    }

    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let sizes = self.net.sizes.clone();
        snap.push("sizes", vec![sizes.len()], sizes.iter().map(|&s| s as f32).collect());
        snap.push_network_diagram(&sizes, self.net.layers.iter().map(|layer| &layer.w));
        if self.config.data.is_planar() {
            // The probability of class 1 (or, with MSE outputs, its share of the difference).
            let loss = self.net.loss;
            let data = Arc::clone(&self.data);
            self.push_boundary(&mut snap, &data.train, |r| match loss {
                crate::nn::Loss::CrossEntropy => r[1],
                crate::nn::Loss::Mse | crate::nn::Loss::SigmoidMse => (r[1] - r[0] + 1.0) / 2.0,
            });
        } else if self.config.data == crate::data::DataKind::Mnist {
            snap.push_receptive_fields(&self.net.layers[0].w);
        }
        if let Some(test) = &self.log.last_test {
            snap.push_confusion(&test.confusion);
        }
        snap
    }
}
