//! Equilibrium Propagation (Scellier & Bengio 2017, "Equilibrium Propagation: Bridging the Gap
//! between Energy-Based Models and Backpropagation", Front. Comput. Neurosci. 11:24).
//!
//! The network is a continuous Hopfield model: the input layer `s_0 = x` is clamped, and the free
//! layers `s_1 … s_L` (hidden layers, then the output) settle to a minimum of an energy. With the
//! hard sigmoid `ρ(s) = clip(s, 0, 1)`,
//!
//! ```text
//! E(s) = ½ Σ_l ‖ρ(s_l)‖² − Σ_l b_lᵀρ(s_l) − Σ_l ρ(s_{l−1})ᵀ W_l ρ(s_l)      (l = 1 … L, ρ(s_0) = x)
//! C(s) = ‖s_L − y‖²                                                     (y one-hot, no ½)
//! F(s) = E(s) + β C(s)
//! ```
//!
//! (the input enters as `x` itself, so that inputs outside `[0, 1]`, as in the 2-D sets, are not
//! cut off; MNIST pixels are in `[0, 1]` anyway). The state descends `F` by projected gradient
//! steps of size `ε`, every layer at once; since states stay in `[0, 1]`, where `ρ(s) = s`:
//!
//! ```text
//! s_l ← clip(s_l + ε (ρ(s_{l−1})W_l + b_l + ρ(s_{l+1})W_{l+1}ᵀ − s_l), 0, 1)     (hidden layers)
//! s_L ← clip(s_L + ε (ρ(s_{L−1})W_L + b_L − s_L) + 2εβ (y − s_L), 0, 1)         (output)
//! ```
//!
//! On `[0, 1]` the energy is a quadratic with Hessian `I − A` (`A` the symmetric couplings between
//! free layers), so these steps do not increase it when `ε < 2 / (1 + ‖A‖)`.
//!
//! Training one minibatch: a **free phase** (`β = 0`, `free_steps` steps) settles to the fixed
//! point `s⁰`, where the prediction is `argmax s⁰_L` and the loss is `C(s⁰)`; a **weakly clamped
//! phase** (`nudged_steps` steps, started from `s⁰`) nudges the output toward the target and
//! settles to `s^β`, with the sign of `β` drawn at random per minibatch. Then, averaged over the
//! batch,
//!
//! ```text
//! ΔW_l = (α_l / β) (ρ(s^β_{l−1}) ρ(s^β_l)ᵀ − ρ(s⁰_{l−1}) ρ(s⁰_l)ᵀ),    Δb_l = (α_l / β) (ρ(s^β_l) − ρ(s⁰_l)).
//! ```
//!
//! As `β → 0` and both phases converge, `−(1/β)(ρρ|^β − ρρ|⁰) → ∂C(s⁰)/∂W`: the update is gradient
//! descent on the cost at the free fixed point, with only local, Hebbian quantities (the paper's
//! Theorem 1; checked in `tests/eqprop.rs` against the true gradient by recurrent backprop,
//! [`gradient::bp_gradient`]). The symmetric estimate with `±β` ([`gradient::ep_gradient`] with `symmetric`) removes the `O(β)` bias.
//!
//! With `symmetric` (Laborieux et al. 2021), a second nudged phase at `−β` starts from the same
//! free fixed point and the update is `(α_l / 2β)(ρρ|^{+β} − ρρ|^{−β})` (biases likewise): the
//! estimate's bias drops from `O(β)` to `O(β²)`; `random_beta_sign` then has no effect.
//!
//! Unsettled relaxation: if a training minibatch's free phase ends with a root-mean-square state
//! change above [`UNSETTLED_RESIDUAL`] (0.05) per step, the run stops with
//! [`crate::Error::InvalidConfig`] naming `step_size` and this network's stable bound
//! `2 / (1 + ‖A‖)` ([`EqNet::coupling_norm`]) when ε is at or above it (the states oscillate),
//! else naming `free_steps`. The reference ε = 0.5 settles (residual < 0.005 on MNIST).
//!
//! With `persistent`, each training example keeps its free fixed point and starts its next free
//! phase there (the paper's persistent particles); evaluation always starts from zero.
//!
//! Divergence: states are clipped, so only the weights can become non-finite (an enormous `α/β`);
//! a non-finite cost or weight stops the run with [`crate::Error::Diverged`].
//!
//! Speed: the batch relaxes as matrices in preallocated buffers (no allocation per step); the
//! clamped input's drive `x W_1 + b_1` is computed once per minibatch, from the nonzero pixels
//! only when the input is sparse (MNIST's 81 % zeros), and the first layer's update uses the same
//! index. A relaxation step of 784-500-10 is then two small products with `W_2`: the top-down one
//! adds only the rows of `W_2ᵀ` of active output units (about 90 % of them sit at 0 once
//! trained). About 20,000 samples/s natively (one thread, release) with 20 + 4 steps, batch 20.
//!
//! The files: `config` (the settings), `network` (the symmetric network [`EqNet`]), `kernels` (the
//! inner loops: `ρ`, the products that skip inactive units, the sparse input index), `relaxation`
//! (the free and weakly clamped phases, the update, the [`Recorder`] of frames) and `trainer`
//! (the [`Rule`](crate::rule::Rule) [`EquilibriumPropagation`]).

mod config;
pub mod gradient;
mod kernels;
mod network;
mod relaxation;
mod trainer;

pub use config::{limits, EqPropConfig};
pub use network::EqNet;
pub use relaxation::{Recorder, Relaxation};
pub use trainer::{EquilibriumPropagation, DIAGNOSTIC_COLUMNS, UNSETTLED_RESIDUAL};
