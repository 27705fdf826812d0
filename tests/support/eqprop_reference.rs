//! The reference computations of `tests/eqprop.rs` live in the engine now
//! ([`brainprop::rules::equilibrium_propagation::gradient`]): the gradient_check model uses them too.

#![allow(unused_imports)]

pub use brainprop::rules::equilibrium_propagation::gradient::*;
