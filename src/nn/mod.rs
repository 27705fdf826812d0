//! Dense feed-forward networks: the forward pass, losses and the SGD step shared by every rule
//! that trains an MLP. How the error reaches the hidden layers is *not* here: that is each rule's
//! own business (see `crate::rules`).

pub mod activation;
pub mod mlp;

pub use activation::Activation;
pub use mlp::{Init, Loss, Mlp, Trace};

/// The floating-point types the networks run in: `f32` on the site, `f64` in gradient checks.
pub trait Real: ndarray::LinalgScalar + num_traits::Float + std::fmt::Debug + Send + Sync + 'static {
    fn of(x: f64) -> Self;
}
impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
}
impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
}
