//! Shallow learning: the control for the Random feedback chapter. Only the output layer learns
//! (`ΔW_L = −η h_{L−1}ᵀ e / n`); the hidden layers keep their random initial weights and act as a
//! fixed random feature map. A rule whose hidden layers learn nothing useful does this well and
//! no better.

use super::feedforward::Credit;
use crate::nn::{Mlp, Targets, Trace};
use crate::rule::RuleId;

/// Trains the output layer only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shallow;

impl Credit<f32> for Shallow {
    fn id(&self) -> RuleId {
        RuleId::Shallow
    }

    fn assign(&mut self, _net: &Mlp<f32>, _trace: &mut Trace<f32>, _targets: Targets<'_, f32>) {}

    fn learns(&self, depth: usize) -> Vec<bool> {
        (0..depth).map(|l| l + 1 == depth).collect()
    }
}
