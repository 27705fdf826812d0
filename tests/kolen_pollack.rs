//! Kolen–Pollack: the feedback takes the forward weights' increments, so their difference only
//! decays, by exactly `1 − ηλ` a step (Kolen & Pollack 1994; Akrout et al. 2019).

use brainprop::data::{DataKind, DataStore};
use brainprop::rng::{rng_for, Stream};
use brainprop::rules::feedforward::{Feedforward, MinibatchTraining};
use brainprop::rules::kolen_pollack::KolenPollack;
use brainprop::rules::FeedforwardConfig;
use ndarray::Array2;

fn difference(model: &Feedforward<KolenPollack>) -> Vec<Array2<f32>> {
    let net = model.net();
    model.credit().fa.b.iter().enumerate().map(|(k, b)| &net.layers[k + 1].w - b).collect()
}

/// After `steps` minibatches, `W_l − B_l = (1 − ηλ)^steps (W_l − B_l)(0)` for every layer above
/// the first, whatever the data did to each of them.
#[test]
fn the_difference_between_forward_and_feedback_weights_decays_by_one_minus_eta_lambda_per_step() {
    for (momentum, decay) in [(0.0, 0.01), (0.0, 0.0), (0.9, 0.01)] {
        let config = FeedforwardConfig {
            data: DataKind::Spiral,
            hidden: vec![12, 8],
            lr: 0.3,
            momentum,
            weight_decay: decay,
            batch: 10,
            epochs: 5,
            ..FeedforwardConfig::default()
        };
        let data = DataStore::default().split(&config.data_spec()).unwrap();
        let sizes = config.sizes(2, 2);
        let credit = KolenPollack::new(&sizes, &config, &mut rng_for(config.seed, Stream::Feedback));
        let mut model = Feedforward::new(config.clone(), data, credit).unwrap();
        let before = difference(&model);
        let w_before = model.net().layers[1].w.clone();
        // 60 weight updates: the units that train a minibatch (an epoch's end adds units that
        // evaluate the test set).
        let steps = 60;
        let mut updates = 0;
        while updates < steps {
            updates += u32::from(model.step_minibatches(1).unwrap().samples > 0);
        }
        // The weights did learn (beyond decaying), so the identity is not about a network at rest.
        let moved = &model.net().layers[1].w - &w_before * (1.0 - config.lr * decay).powi(steps as i32) as f32;
        assert!(moved.iter().any(|v| v.abs() > 1e-3), "the forward weights did not learn");
        let after = difference(&model);
        for (b, a) in before.iter().zip(&after) {
            if momentum == 0.0 {
                let factor = (1.0 - config.lr * decay).powi(steps as i32) as f32;
                let error = (b * factor - a).iter().fold(0f32, |m, v| m.max(v.abs()));
                assert!(error < 1e-5, "momentum {momentum} decay {decay}: off by {error}");
            } else {
                // v ← μv − ηλ D, D ← D + v: the difference still shrinks, and stays a multiple of the first.
                let ratio = a.iter().zip(b).map(|(a, b)| a / b).filter(|r| r.is_finite()).collect::<Vec<_>>();
                let first = ratio[0];
                assert!(first.abs() < 1.0, "momentum: the difference did not shrink ({first})");
                assert!(ratio.iter().all(|r| (r - first).abs() < 1e-3), "momentum: not one factor for every entry");
            }
        }
    }
}
