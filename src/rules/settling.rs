//! One MNIST test digit relaxing step by step in the reference 784-500-10 Equilibrium
//! Propagation network (Scellier & Bengio 2017; the equations are in
//! [`crate::rules::equilibrium_propagation`]): the free phase descends the energy
//!
//! ```text
//! E(s) = ½ Σ_l ‖ρ(s_l)‖² − Σ_l b_lᵀρ(s_l) − Σ_l ρ(s_{l−1})ᵀ W_l ρ(s_l)
//! ```
//!
//! to its fixed point; the nudged phase then descends `F = E + βC`, `C = ‖s_L − y‖²`, and pulls
//! the output toward the target `y`, by projected steps of size ε:
//! `s ← clip(s − ε ∂F/∂s, 0, 1)`.
//!
//! First the network is trained `pretrain_epochs` epochs with the reference settings (the
//! EqProp defaults with this seed), a minibatch per work unit, so that the free answer means
//! something; no metric rows come out then (`progress().epoch` counts the pretraining). After
//! that each work unit is one relaxation step of the one digit, `free_steps` steps at β = 0 and
//! then `nudged_steps` at `β`, and each adds a row: `step`, `phase` (0 free, 1 nudged), `energy`
//! (`E`), `cost` (`C`), `out0` … `out9` (the output units' states) and `hidden0` … `hidden5`
//! (six evenly spaced hidden units). Row 0 is the starting state (all units at 0).

use crate::data::Split;
use crate::rng::{rng_for, Stream};
use crate::rule::{shown_units, MetricTable, Progress, Rule, RuleId, Snapshot, StepOutcome};
use crate::rules::equilibrium_propagation::{limits, EqNet, EqPropConfig, EquilibriumPropagation, Relaxation};
use crate::{Error, Result};
use std::sync::Arc;

/// Hidden units whose states are metric columns.
pub const SHOWN_HIDDEN: usize = 6;

/// The metric columns: `step`, `phase`, `energy`, `cost`, `out0` … `out9`, `hidden0` … `hidden5`.
pub fn columns() -> Vec<String> {
    let mut c: Vec<String> = ["step", "phase", "energy", "cost"].map(String::from).to_vec();
    c.extend((0..10).map(|k| format!("out{k}")));
    c.extend((0..SHOWN_HIDDEN).map(|k| format!("hidden{k}")));
    c
}

crate::settings! {
    /// Settings of the settling figure: one test digit relaxing, free then nudged.
    pub struct SettlingConfig {
        /// Which of the 2,000 test digits relaxes.
        ///
        /// The default, 87, is a 5 that the network pretrained one epoch (seed 1) reads as a 3
        /// (outputs 0.74 for 3, 0.27 for 5): the nudge visibly pulls 5 up and 3 down.
        digit: usize = 87, "test digit", Kind::int(0.0, 1999.0);
        /// Nudging strength β of the second phase.
        beta: f64 = 1.0, "nudging strength β", Kind::positive(limits::MAX_BETA);
        /// Steps of the free phase (β = 0).
        free_steps: usize = 20, "free steps", Kind::int(1.0, 1000.0);
        /// Steps of the nudged phase, from the free fixed point.
        nudged_steps: usize = 20, "nudged steps", Kind::int(1.0, 1000.0);
        /// Step size ε of the relaxation.
        step_size: f64 = 0.5, "step size ε", Kind::positive(1.0);
        /// Epochs of reference EqProp training before the digit relaxes (0: untrained weights).
        pretrain_epochs: u32 = 1, "pretraining epochs", Kind::int(0.0, 5.0);
        /// Seed of the pretraining (weights and data order).
        seed: u64 = 1, "seed", Kind::seed();
    }
    check(self) { Ok(()) }
}

impl SettlingConfig {
    /// The pretraining's settings: the EqProp reference (defaults) for `pretrain_epochs` epochs.
    pub fn pretraining(&self) -> EqPropConfig {
        EqPropConfig { epochs: self.pretrain_epochs.max(1), seed: self.seed, ..EqPropConfig::default() }
    }
}

/// One digit relaxing, a step per work unit, after the pretraining.
pub struct Settling {
    config: SettlingConfig,
    data: Arc<Split>,
    pretraining: Option<EquilibriumPropagation>,
    net: Option<EqNet<f32>>,
    relax: Option<Relaxation<f32>>,
    hidden_units: Vec<usize>,
    step: usize,
    metrics: MetricTable,
    samples: u64,
}

impl Settling {
    pub fn new(config: SettlingConfig, data: Arc<Split>) -> Result<Self> {
        config.validate()?;
        if data.test.len() <= config.digit || data.train.dims() != 784 {
            return Err(Error::invalid("digit", format!("needs MNIST with more than {} test digits", config.digit)));
        }
        let columns = columns();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let mut model = Self {
            hidden_units: shown_units(500, SHOWN_HIDDEN),
            data: Arc::clone(&data),
            pretraining: None,
            net: None,
            relax: None,
            step: 0,
            metrics: MetricTable::new(&columns),
            samples: 0,
            config,
        };
        if model.config.pretrain_epochs == 0 {
            // The untrained network: the seed's Glorot weights, as EqProp draws them.
            let sizes = model.config.pretraining().sizes(data.train.dims(), data.train.classes);
            model.start(EqNet::new(&sizes, &mut rng_for(model.config.seed, Stream::Weights)));
        } else {
            model.pretraining = Some(EquilibriumPropagation::new(model.config.pretraining(), data)?);
        }
        Ok(model)
    }

    /// The network the digit relaxes in (once pretrained).
    pub fn net(&self) -> Option<&EqNet<f32>> {
        self.net.as_ref()
    }

    /// Sets the digit in, all units at 0, and records row 0.
    fn start(&mut self, net: EqNet<f32>) {
        let mut relax = Relaxation::new(&net.sizes, 1);
        let d = self.config.digit;
        relax.set_input(&net, self.data.test.rows(d, d + 1));
        relax.set_labels(&self.data.test.labels[d..d + 1]);
        relax.reset();
        self.net = Some(net);
        self.relax = Some(relax);
        self.record(0.0);
    }

    fn record(&mut self, phase: f64) {
        let (net, relax) = (self.net.as_ref().expect("started"), self.relax.as_ref().expect("started"));
        let mut row = vec![self.step as f64, phase, relax.energy_of(net, 0), relax.cost_and_correct().0];
        row.extend(relax.state(net.depth() - 1).row(0).iter().map(|&v| f64::from(v)));
        let hidden = relax.state(0);
        row.extend(self.hidden_units.iter().map(|&j| f64::from(hidden[[0, j]])));
        self.metrics.push(row);
    }

    fn total_steps(&self) -> usize {
        self.config.free_steps + self.config.nudged_steps
    }
}

impl Rule for Settling {
    fn id(&self) -> RuleId {
        RuleId::Settling
    }

    fn step(&mut self, budget: u32) -> Result<StepOutcome> {
        let mut outcome = StepOutcome::default();
        if let Some(pre) = &mut self.pretraining {
            let o = pre.step(budget)?;
            outcome.units = o.units;
            outcome.samples = o.samples;
            outcome.work = o.work;
            self.samples += o.samples;
            if o.finished {
                let net = pre.net().clone();
                self.pretraining = None;
                self.start(net);
                outcome.new_rows = 1;
            }
            return Ok(outcome);
        }
        while outcome.units < budget.max(1) && self.step < self.total_steps() {
            let nudged = self.step >= self.config.free_steps;
            let beta = if nudged { self.config.beta as f32 } else { 0.0 };
            let (net, relax) = (self.net.as_ref().expect("started"), self.relax.as_mut().expect("started"));
            relax.step(net, self.config.step_size as f32, beta, false);
            self.step += 1;
            self.record(if nudged { 1.0 } else { 0.0 });
            outcome.units += 1;
            outcome.new_rows += 1;
            outcome.samples += 1;
            outcome.work += 1;
            self.samples += 1;
        }
        outcome.finished = self.step >= self.total_steps();
        Ok(outcome)
    }

    fn metrics(&self) -> &MetricTable {
        &self.metrics
    }

    /// Frames: `digit` (`[28, 28]` pixels), `target` (`[1]`, the class), `sizes` and, once
    /// pretrained, the network diagram (`diagram.w{l}`, `diagram.units{l}`).
    fn snapshot(&mut self) -> Snapshot {
        let mut snap = Snapshot::default();
        let d = self.config.digit;
        snap.push("digit", vec![28, 28], self.data.test.rows(d, d + 1).iter().copied().collect());
        snap.push("target", vec![1], vec![f32::from(self.data.test.labels[d])]);
        let sizes = self.config.pretraining().sizes(self.data.test.dims(), self.data.test.classes);
        snap.push("sizes", vec![sizes.len()], sizes.iter().map(|&s| s as f32).collect());
        if let Some(net) = &self.net {
            snap.push_network_diagram(&net.sizes, &net.w);
        }
        snap
    }

    /// During pretraining, its progress (`epoch` in pretraining epochs); then `epoch` is the
    /// pretraining epochs plus the share of relaxation steps done.
    fn progress(&self) -> Progress {
        match &self.pretraining {
            Some(pre) => Progress { samples: self.samples, epoch: pre.progress().epoch },
            None => Progress {
                samples: self.samples,
                epoch: f64::from(self.config.pretrain_epochs) + self.step as f64 / self.total_steps() as f64,
            },
        }
    }
}
