//! The stochastic-gradient step that every rule which learns weights takes: plain SGD, or SGD with
//! (heavy-ball) momentum, with optional L2 weight decay. For a parameter `θ` with learning rate
//! `η`, gradient (or a rule's stand-in for it) `g`, momentum `μ` and decay `λ`:
//!
//! ```text
//! μ = 0:   θ ← θ − η (g + λθ)
//! μ > 0:   v ← μ v − η (g + λθ),   θ ← θ + v
//! ```
//!
//! The rule supplies the `−η g` term itself (see [`Sgd::step`]), because how it is formed
//! differs: a blocked matrix product, a product over the nonzero inputs only, or EqProp's
//! difference of two phases' correlations. The step then only fixes the order of operations, so
//! every rule updates the same way, to the last bit.

use super::Real;
use ndarray::{Array, Dimension, Zip};

/// Momentum and weight decay of a stochastic-gradient step (the learning rate is per layer, given
/// to [`Sgd::step`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd<F> {
    /// Momentum `μ` in `[0, 1)`; 0 keeps no velocity.
    pub momentum: F,
    /// L2 weight decay `λ` (0 for none), scaled by the learning rate like the gradient.
    pub weight_decay: F,
}

impl<F: Real> Sgd<F> {
    /// Plain SGD: no momentum, no decay.
    pub fn plain() -> Self {
        Self { momentum: F::zero(), weight_decay: F::zero() }
    }

    /// The same momentum without weight decay (biases are not decayed).
    pub fn without_decay(self) -> Self {
        Self { weight_decay: F::zero(), ..self }
    }

    /// One step on `param` at learning rate `lr`.
    ///
    /// `add_step(target, keep)` must set `target ← keep·target − η·g` (with `g` shaped like
    /// `param`); `target` is `param` itself (`keep = 1`) without momentum, the velocity
    /// (`keep = μ`) with it, so a matrix product can fold the step in through its `beta`.
    ///
    /// The decay is applied first: `θ ← θ + (−ηλ)·θ` without momentum; with momentum it is folded
    /// into the velocity beforehand as `v ← v + (−ηλ)·θ / μ`, so that `add_step` leaves
    /// `v = μv − ηλθ − ηg`. `velocity` (shaped like `param`, zero at the start) is needed only
    /// with momentum.
    ///
    /// # Panics
    /// With momentum and no `velocity`.
    pub fn step<D: Dimension>(
        &self,
        lr: F,
        param: &mut Array<F, D>,
        velocity: Option<&mut Array<F, D>>,
        add_step: impl FnOnce(&mut Array<F, D>, F),
    ) {
        let decay = -lr * self.weight_decay;
        if self.momentum == F::zero() {
            if self.weight_decay != F::zero() {
                param.mapv_inplace(|w| w + decay * w);
            }
            add_step(param, F::one());
        } else {
            let momentum = self.momentum;
            let velocity = velocity.expect("SGD with momentum needs a velocity buffer");
            if self.weight_decay != F::zero() {
                Zip::from(&mut *velocity).and(&*param).for_each(|v, &w| *v = *v + decay * w / momentum);
            }
            add_step(velocity, momentum);
            Zip::from(param).and(&*velocity).for_each(|w, &v| *w = *w + v);
        }
    }
}
