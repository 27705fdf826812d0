//! How good is each rule's update as an estimate of the gradient? For one network state and many
//! minibatches, the cosine between a rule's hidden-layer update and the true gradient, and how
//! that cosine grows when `k` updates are averaged (the Random feedback chapter's estimates
//! figure; the question as posed in Lillicrap et al. 2020, "Backpropagation and the brain",
//! Nat. Rev. Neurosci. 21:335, and Neuromatch Academy's "Microlearning" tutorial).
//!
//! ```text
//! g      = ∂L̄/∂W₀ over the whole training set (backprop; L̄ the mean loss)
//! ĝ_i    = the rule's estimate of ∂L/∂W₀ on minibatch i   (−ΔW₀/η: h₀ᵀδ̂₁/n, or WP's ĝ)
//! c_k    = cos( Σ_{i∈G} ĝ_i , g ) for disjoint groups G of k consecutive minibatches
//! ```
//!
//! An unbiased estimate (`E[ĝ_i] = g`) has `c_k → 1` as `k` grows: backprop itself (whose only
//! noise is the choice of minibatch), node perturbation and weight perturbation, the last two
//! much more slowly, since their noise grows with the number of perturbed units or weights. A
//! biased estimate levels off at the cosine of its mean: feedback alignment and sign symmetry.
//! (Direct feedback alignment is FA here: with one hidden layer the two are the same rule.)
//!
//! The state: a 784-`w`-10 sigmoid network on MNIST after `warmup` epochs of feedback-alignment
//! training from its initial weights (FA's MNIST preset, so that FA's forward weights have begun
//! to align with its feedback; 0 measures the initial network). Each width of `widths` is one
//! such network; the rows are, for each width in order and each `k = 1, 2, 4, …` up to
//! `estimates`, the mean cosine over the `⌊estimates/k⌋` groups and its sample standard
//! deviation (NaN for a single group). A work unit is one warmup minibatch, the true gradient,
//! or one measured minibatch (every rule's estimate on it).

use crate::data::DataKind;
use crate::data::Split;
use crate::metrics::{cosine, mean_sd};
use crate::nn::{Mlp, Real, Targets, Trace};
use crate::rng::{rng_for, Stream};
use crate::rule::{MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::rules::backprop::Backprop;
use crate::rules::feedback_alignment::FeedbackAlignment;
use crate::rules::feedforward::{Credit, Feedforward, MinibatchTraining, Minibatches, EVAL_CHUNK};
use crate::rules::node_perturbation::NodePerturbation;
use crate::rules::sign_symmetry::SignSymmetry;
use crate::rules::weight_perturbation::WeightPerturbation;
use crate::rules::FeedforwardConfig;
use crate::{Error, Result};
use ndarray::{s, Array2};
use std::sync::Arc;

/// The rules measured, in column order.
pub const RULES: [RuleId; 5] = [RuleId::Bp, RuleId::Fa, RuleId::Sign, RuleId::Np, RuleId::Wp];

crate::settings! {
    /// Settings of the estimates figure: each rule's hidden-layer update against the true
    /// gradient, minibatch by minibatch, at several widths of a 784-w-10 MNIST network.
    pub struct EstimatesConfig {
        /// Hidden-layer widths to measure at, comma-separated, one network each.
        widths: Vec<usize> = vec![10, 30, 100], "hidden widths", Kind::widths(1.0, 400.0, 6);
        /// Minibatches measured per width: estimates are averaged over up to this many.
        estimates: usize = 512, "minibatches", Kind::int(2.0, 1024.0);
        /// Examples per minibatch.
        batch: usize = 32, "batch size", Kind::int(1.0, 256.0);
        /// Epochs of feedback-alignment training before the measurement (0: the initial network).
        warmup: u32 = 1, "warm-up epochs (FA)", Kind::int(0.0, 10.0);
        /// Node and weight perturbation: the standard deviation σ of the noise.
        perturbation: f64 = 0.01, "perturbation size σ", Kind::positive(1.0);
        /// Seed of the weights, the feedback, the data order and the noise.
        seed: u64 = 1, "seed", Kind::seed();
    }
    check(self) {
        if self.widths.is_empty() {
            return Err(Error::invalid("widths", "give at least one hidden width"));
        }
        Ok(())
    }
}

impl EstimatesConfig {
    /// The averaging sizes measured: `1, 2, 4, …` up to `estimates`.
    pub fn ks(&self) -> Vec<usize> {
        std::iter::successors(Some(1usize), |k| Some(k * 2)).take_while(|&k| k <= self.estimates).collect()
    }

    /// The feed-forward settings of the warm-up at hidden width `width`: FA's MNIST preset.
    pub fn warmup_config(&self, width: usize) -> FeedforwardConfig {
        FeedforwardConfig {
            hidden: vec![width],
            epochs: self.warmup.max(1),
            seed: self.seed,
            batch: self.batch,
            ..FeedforwardConfig::preset_for(RuleId::Fa, DataKind::Mnist)
        }
    }
}

/// The metric columns: `width`, `k`, then each rule's mean cosine and its spread.
pub fn columns() -> Vec<String> {
    let mut columns = vec!["width".to_string(), "k".to_string()];
    for rule in RULES {
        columns.push(rule.name().to_string());
        columns.push(format!("{}_sd", rule.name()));
    }
    columns
}

/// Averages of `k = 1, 2, 4, …` consecutive estimates against a fixed true gradient, kept as
/// partial sums (one per power of two, as in a binary counter), so memory is `log₂ K` vectors.
#[derive(Debug, Clone)]
pub struct GroupedCosines<F> {
    truth: Vec<F>,
    /// `pending[j]`: the sum of the last `2^j` estimates, waiting for its partner.
    pending: Vec<Option<Vec<F>>>,
    /// `cosines[j]`: the cosine of each complete group of `2^j` estimates.
    pub cosines: Vec<Vec<f64>>,
}

impl<F: Real> GroupedCosines<F> {
    /// Against `truth`, for groups of up to `2^(levels−1)` estimates.
    pub fn new(truth: Vec<F>, levels: usize) -> Self {
        Self { truth, pending: vec![None; levels], cosines: vec![Vec::new(); levels] }
    }

    /// Adds the next estimate (as long as `truth`).
    pub fn push(&mut self, estimate: Vec<F>) {
        let mut sum = estimate;
        for level in 0..self.pending.len() {
            self.cosines[level].push(cosine(&sum, &self.truth).unwrap_or(f64::NAN));
            match self.pending[level].take() {
                None => {
                    self.pending[level] = Some(sum);
                    return;
                }
                Some(partner) => sum.iter_mut().zip(partner).for_each(|(s, p)| *s = *s + p),
            }
        }
    }

    /// Mean and sample standard deviation of the cosine over the groups of `2^level` (NaN sd for
    /// a single group, NaN mean for none).
    pub fn summary(&self, level: usize) -> (f64, f64) {
        match self.cosines[level].as_slice() {
            [] => (f64::NAN, f64::NAN),
            [one] => (*one, f64::NAN),
            many => mean_sd(many),
        }
    }
}

/// A rule's estimate of `∂L/∂W₀` on the batch in `trace` (forward pass and output error done):
/// its own gradient if it forms one, else `h₀ᵀ δ₁ / n` from the deltas it assigns. `trace` is
/// left with the rule's deltas.
pub fn first_layer_estimate<F: Real>(
    credit: &mut dyn Credit<F>,
    net: &Mlp<F>,
    trace: &mut Trace<F>,
    targets: Targets<'_, F>,
) -> Array2<F> {
    credit.assign(net, trace, targets);
    match credit.gradients() {
        Some(gradients) => gradients[0].w.clone(),
        None => net.weight_gradient(trace, 0),
    }
}

/// `∂L̄/∂W₀` of the mean loss over all of `set`, by backprop, in chunks of [`EVAL_CHUNK`].
pub fn full_gradient(net: &Mlp<f32>, set: &crate::data::Dataset) -> Array2<f32> {
    let mut trace = Trace::new(&net.sizes, EVAL_CHUNK.min(set.len()));
    let mut total = Array2::zeros(net.layers[0].w.dim());
    for start in (0..set.len()).step_by(EVAL_CHUNK) {
        let end = (start + EVAL_CHUNK).min(set.len());
        net.forward(set.rows(start, end), &mut trace);
        net.output_error(&mut trace, set.targets(start, end));
        Backprop.assign(net, &mut trace, set.targets(start, end));
        let share = (end - start) as f32 / set.len() as f32;
        total.scaled_add(share, &net.weight_gradient(&trace, 0));
    }
    total
}

/// Where the measurement of one width stands.
enum Stage {
    /// FA training before the measurement.
    Warmup(Box<Feedforward<FeedbackAlignment>>),
    /// Measuring: the network, the rules and their running averages.
    Measure(Box<Measurement>),
}

struct Measurement {
    net: Mlp<f32>,
    credits: Vec<Box<dyn Credit<f32> + Send>>,
    averages: Vec<GroupedCosines<f32>>,
    batches: Minibatches,
    done: usize,
    batch_x: Array2<f32>,
    batch_labels: Vec<u8>,
    batch_targets: Array2<f32>,
    trace: Trace<f32>,
}

/// The estimates figure's model (see the module's documentation).
pub struct GradientEstimates {
    config: EstimatesConfig,
    data: Arc<Split>,
    /// Index into `config.widths` of the width under way.
    width: usize,
    stage: Option<Stage>,
    metrics: MetricTable,
    units: u64,
}

impl GradientEstimates {
    /// Errors: [`Error::InvalidConfig`] for settings out of range; [`Error::Data`] when the
    /// training set is smaller than one minibatch times `estimates`… or empty.
    pub fn new(config: EstimatesConfig, data: Arc<Split>) -> Result<Self> {
        config.validate()?;
        if data.train.len() < config.batch {
            return Err(Error::Data(format!(
                "the training set has {} examples, fewer than one batch of {}",
                data.train.len(),
                config.batch
            )));
        }
        let columns = columns();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let mut model = Self { config, data, width: 0, stage: None, metrics: MetricTable::new(&columns), units: 0 };
        model.stage = Some(model.start_width()?);
        Ok(model)
    }

    fn start_width(&self) -> Result<Stage> {
        let width = self.config.widths[self.width];
        let warmup = self.config.warmup_config(width);
        let sizes = warmup.sizes(self.data.train.dims(), self.data.train.classes);
        let fa = FeedbackAlignment::new(&sizes, &warmup, &mut rng_for(self.config.seed, Stream::Feedback));
        let model = Feedforward::new(warmup, Arc::clone(&self.data), fa)?;
        Ok(if self.config.warmup == 0 { self.measure(model) } else { Stage::Warmup(Box::new(model)) })
    }

    /// Starts measuring at the state the warm-up left.
    fn measure(&self, warm: Feedforward<FeedbackAlignment>) -> Stage {
        let c = &self.config;
        let net = warm.net().clone();
        let sizes = net.sizes.clone();
        let noise = |k: u64| rng_for(c.seed.wrapping_add(k), Stream::Perturbation);
        let credits: Vec<Box<dyn Credit<f32> + Send>> = vec![
            Box::new(Backprop),
            Box::new(warm.credit().clone()),
            Box::new(SignSymmetry::new(&sizes, 1.0)),
            Box::new(NodePerturbation::<f32>::new(&sizes, c.batch, c.perturbation, noise(0))),
            Box::new(WeightPerturbation::<f32>::new(&sizes, c.batch, c.perturbation, noise(1))),
        ];
        let truth = full_gradient(&net, &self.data.train).into_raw_vec_and_offset().0;
        let levels = c.ks().len();
        let averages = (0..credits.len()).map(|_| GroupedCosines::new(truth.clone(), levels)).collect();
        Stage::Measure(Box::new(Measurement {
            credits,
            averages,
            batches: Minibatches::new(self.data.train.len(), c.seed.wrapping_add(1)),
            done: 0,
            batch_x: Array2::zeros((c.batch, sizes[0])),
            batch_labels: Vec::with_capacity(c.batch),
            batch_targets: Array2::zeros((c.batch, *sizes.last().expect("sizes"))),
            trace: Trace::new(&sizes, c.batch),
            net,
        }))
    }

    /// One unit of work; returns the rows it appended, the minibatches it worked through (0 for
    /// a piece of the warm-up's epoch-end evaluation, else 1) and the examples it ran. Not split
    /// yet: the warm-up's last unit also takes the true gradient over the training set, and a
    /// width's last measurement builds the next width's network (evaluating both sets).
    fn work(&mut self) -> Result<(usize, u64, u64)> {
        let stage = self.stage.take().expect("a stage while not finished");
        let (mut batches, mut examples) = (1, self.config.batch as u64);
        let (next, rows) = match stage {
            Stage::Warmup(mut model) => {
                let outcome = model.step_minibatches(1)?;
                (batches, examples) = (u64::from(outcome.samples > 0), outcome.work);
                if model.finished() {
                    examples += self.data.train.len() as u64;
                    (Some(self.measure(*model)), 0)
                } else {
                    (Some(Stage::Warmup(model)), 0)
                }
            }
            Stage::Measure(mut m) => {
                m.measure_one(&self.data);
                if m.done < self.config.estimates {
                    (Some(Stage::Measure(m)), 0)
                } else {
                    let width = self.config.widths[self.width] as f64;
                    for (level, &k) in self.config.ks().iter().enumerate() {
                        let mut row = vec![width, k as f64];
                        for averages in &m.averages {
                            let (mean, sd) = averages.summary(level);
                            row.extend([mean, sd]);
                        }
                        self.metrics.push(row);
                    }
                    self.width += 1;
                    let next = if self.width < self.config.widths.len() {
                        examples += (self.data.train.len() + self.data.test.len()) as u64;
                        Some(self.start_width()?)
                    } else {
                        None
                    };
                    (next, self.config.ks().len())
                }
            }
        };
        self.stage = next;
        Ok((rows, batches, examples))
    }
}

impl Measurement {
    /// Every rule's estimate on the next minibatch.
    fn measure_one(&mut self, data: &Split) {
        let index = self.batches.next(self.trace.capacity());
        let n = index.len();
        data.train.gather(index, &mut self.batch_x, &mut self.batch_labels, &mut self.batch_targets);
        self.batches.finish(n, 0.0, 0);
        let targets = Targets::Labels(&self.batch_labels);
        self.net.forward(self.batch_x.slice(s![..n, ..]), &mut self.trace);
        self.net.output_error(&mut self.trace, targets);
        for (credit, averages) in self.credits.iter_mut().zip(&mut self.averages) {
            let mut trace = self.trace.clone();
            let estimate = first_layer_estimate(credit.as_mut(), &self.net, &mut trace, targets);
            averages.push(estimate.into_raw_vec_and_offset().0);
        }
        self.done += 1;
    }
}

impl Rule for GradientEstimates {
    fn id(&self) -> RuleId {
        RuleId::Estimates
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        let mut outcome = StepOutcome::default();
        while outcome.units < budget.max(1) && self.stage.is_some() {
            let (rows, batches, examples) = self.work()?;
            outcome.new_rows += rows;
            outcome.units += 1;
            outcome.samples += batches * self.config.batch as u64;
            outcome.work += examples;
            self.units += batches;
        }
        outcome.finished = self.stage.is_none();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    /// Frames: `sizes` of the network under measurement (or the last one).
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let width = self.config.widths[self.width.min(self.config.widths.len() - 1)];
        let sizes = [self.data.train.dims(), width, self.data.train.classes];
        snap.push("sizes", vec![3], sizes.iter().map(|&s| s as f32).collect());
        snap
    }

    /// `samples` counts the minibatches worked through (warm-up and measured) times the batch
    /// size; `epoch` the widths done, fractionally.
    fn progress(&self) -> Progress {
        let within = match &self.stage {
            Some(Stage::Measure(m)) => 0.5 + 0.5 * m.done as f64 / self.config.estimates as f64,
            Some(Stage::Warmup(w)) => 0.5 * w.progress().epoch / self.config.warmup.max(1) as f64,
            None => 0.0,
        };
        Progress { samples: self.units * self.config.batch as u64, epoch: self.width as f64 + within }
    }
}
