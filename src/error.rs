//! The engine's one error type. Every message is meant to be shown to a reader as it is.

/// What can go wrong while configuring or training a model.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum Error {
    /// A configuration value is out of its allowed range or inconsistent.
    #[error("invalid setting {name}: {reason}")]
    InvalidConfig { name: &'static str, reason: String },
    /// Training produced NaN or infinite values; the run stops here and Reset recovers.
    #[error("training diverged at epoch {epoch:.2} (loss is {loss}); lower the learning rate and press Reset")]
    Diverged { epoch: f64, loss: f64 },
    /// A data set was asked for but has not been loaded, or its bytes are malformed.
    #[error("data set problem: {0}")]
    Data(String),
    /// A worker command arrived that the session cannot act on in its current state.
    #[error("{0}")]
    Protocol(String),
}

/// Shorthand used throughout the engine.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::InvalidConfig`].
    pub fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidConfig { name, reason: reason.into() }
    }
}
