//! Pointwise nonlinearities σ and their derivatives σ'.

use super::Real;
use serde::{Deserialize, Serialize};

/// A hidden-layer nonlinearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    #[default]
    Sigmoid,
    Tanh,
    Relu,
    /// The identity, for linear networks (Lillicrap's first experiment).
    Linear,
}

impl Activation {
    pub const ALL: [Activation; 4] = [Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::Linear];

    /// σ(u).
    #[inline]
    pub fn apply<F: Real>(self, u: F) -> F {
        match self {
            Activation::Sigmoid => F::one() / (F::one() + (-u).exp()),
            Activation::Tanh => u.tanh(),
            Activation::Relu => u.max(F::zero()),
            Activation::Linear => u,
        }
    }

    /// σ'(u), written in terms of the output h = σ(u), which the forward pass keeps.
    #[inline]
    pub fn derivative_from_output<F: Real>(self, h: F) -> F {
        match self {
            Activation::Sigmoid => h * (F::one() - h),
            Activation::Tanh => F::one() - h * h,
            Activation::Relu => {
                if h > F::zero() {
                    F::one()
                } else {
                    F::zero()
                }
            }
            Activation::Linear => F::one(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Linear => "linear",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivative_from_output_matches_finite_difference() {
        for act in Activation::ALL {
            for &u in &[-2.0f64, -0.3, 0.4, 1.7] {
                let h = 1e-6;
                let numeric = (act.apply(u + h) - act.apply(u - h)) / (2.0 * h);
                let analytic = act.derivative_from_output(act.apply(u));
                assert!((numeric - analytic).abs() < 1e-6, "{act:?} at {u}: {numeric} vs {analytic}");
            }
        }
    }
}
