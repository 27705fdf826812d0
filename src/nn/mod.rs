//! Dense feed-forward networks: the forward pass, losses, and the SGD step ([`Sgd`]) shared by
//! every rule that learns weights. How the error reaches the hidden layers is *not* here: that is
//! each rule's own business (see `crate::rules`).

pub mod activation;
pub mod mlp;
pub mod sgd;

pub use activation::Activation;
pub use mlp::{Init, LayerGradient, Loss, Mlp, Targets, Trace};
pub use sgd::Sgd;

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

/// `y ← y + a·x` over two slices of equal length (auto-vectorised: SIMD128 in the browser).
#[inline]
pub fn axpy<F: Real>(a: F, x: &[F], y: &mut [F]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = *y + a * x;
    }
}
