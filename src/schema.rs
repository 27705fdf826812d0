//! Every setting of every experiment, declared once.
//!
//! A config type is written with [`settings!`]: each field is declared in one place with its type,
//! default, label, unit, kind and limits, and its doc comment, whose first line is the one-line
//! help. From that single declaration come
//!
//! - the struct itself (serde, `Default`), so the worker protocol and `--config` files read it;
//! - [`Settings::fields`], the schema: `brainprop schema` prints it as JSON, and the page builds
//!   its URL keys and its forms from it (`www/state/schema.js` is generated from it);
//! - [`Settings::validate`], which checks every field against its declared limits, so the page
//!   (which clamps to the same limits), the command line (whose flags are the same fields) and the
//!   engine cannot disagree.
//!
//! Cross-field rules (a regression set needs the MSE loss, one rate per layer) are each config's
//! own [`Settings::check`].

use crate::rule::RuleId;
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// What values a setting takes. Serialised flat into its [`Field`] as `"kind": "int"` etc.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Kind {
    /// A whole number in `[min, max]`. With `clamp` false (seeds), a value outside is refused by
    /// the page too instead of being moved to the nearest limit.
    Int { min: f64, max: f64, clamp: bool },
    /// A real number between `min` and `max`; `min_open` / `max_open` exclude that end.
    Number { min: f64, max: f64, min_open: bool, max_open: bool },
    /// One of `values` (as serde names them), shown as `value_labels` (same order).
    Enum {
        values: Vec<&'static str>,
        value_labels: Vec<&'static str>,
        /// Other spellings the command line accepts, `(alias, value)`.
        #[serde(skip)]
        aliases: &'static [(&'static str, &'static str)],
    },
    /// Up to `max_length` numbers, each in `[min, max]` (`(min, max]` with `min_open`; whole
    /// numbers when `integer`).
    List { min: f64, max: f64, max_length: usize, integer: bool, min_open: bool },
    /// On or off.
    Bool,
    /// A group of settings of its own, given as a JSON object (in `--config` files and as a
    /// JSON-valued flag); not offered on the page.
    Object,
}

impl Kind {
    /// A whole number in `[min, max]`.
    pub const fn int(min: f64, max: f64) -> Kind {
        Kind::Int { min, max, clamp: true }
    }

    /// A seed of the named random streams: a whole number in `[0, 2³² − 1]`, refused (not clamped)
    /// when outside, since a different seed is a different run.
    pub const fn seed() -> Kind {
        Kind::Int { min: 0.0, max: 4_294_967_295.0, clamp: false }
    }

    /// A real number in `[min, max]`.
    pub const fn number(min: f64, max: f64) -> Kind {
        Kind::Number { min, max, min_open: false, max_open: false }
    }

    /// A real number in `(0, max]`.
    pub const fn positive(max: f64) -> Kind {
        Kind::Number { min: 0.0, max, min_open: true, max_open: false }
    }

    /// A real number in `[min, max)`.
    pub const fn below(min: f64, max: f64) -> Kind {
        Kind::Number { min, max, min_open: false, max_open: true }
    }

    /// A real number in `(min, max)`.
    pub const fn between(min: f64, max: f64) -> Kind {
        Kind::Number { min, max, min_open: true, max_open: true }
    }

    /// Up to `max_length` whole numbers in `[min, max]`.
    pub const fn widths(min: f64, max: f64, max_length: usize) -> Kind {
        Kind::List { min, max, max_length, integer: true, min_open: false }
    }

    /// Up to `max_length` real numbers in `[min, max]`.
    pub const fn reals(min: f64, max: f64, max_length: usize) -> Kind {
        Kind::List { min, max, max_length, integer: false, min_open: false }
    }

    /// A list of up to `max_length` numbers, each of this kind (an `Int` or a `Number`; open ends
    /// are kept as they are only for single numbers: a list's items are checked against closed
    /// `[min, max]` except that a `min_open` number list refuses `min` itself).
    pub fn list(self, max_length: usize) -> Kind {
        match self {
            Kind::Int { min, max, .. } => Kind::List { min, max, max_length, integer: true, min_open: false },
            Kind::Number { min, max, min_open, .. } => Kind::List { min, max, max_length, integer: false, min_open },
            other => other,
        }
    }

    /// One of `only`, a subset of the values of the enum `T` (for a setting that takes a shared
    /// type but not all of its values, e.g. a network that reads only MNIST).
    pub fn choice_of<T: Choices>(only: &'static [&'static str]) -> Kind {
        let choices = T::CHOICES.iter().filter(|c| only.contains(&c.0));
        Kind::Enum {
            values: choices.clone().map(|c| c.0).collect(),
            value_labels: choices.map(|c| c.1).collect(),
            aliases: &[],
        }
    }

    /// One of the values of the enum `T`.
    pub fn choice<T: Choices>() -> Kind {
        let choices = T::CHOICES;
        Kind::Enum {
            values: choices.iter().map(|c| c.0).collect(),
            value_labels: choices.iter().map(|c| c.1).collect(),
            aliases: T::ALIASES,
        }
    }
}

/// An enum a setting chooses from: its serde names and how the page shows them.
pub trait Choices {
    /// `(serde name, label)` for every variant, in the order the page lists them.
    const CHOICES: &'static [(&'static str, &'static str)];
    /// Other spellings serde also reads, `(alias, serde name)`.
    const ALIASES: &'static [(&'static str, &'static str)] = &[];
}

/// One setting: its name (the JSON key, the URL key's last part, the CLI flag with `_` → `-`),
/// label, unit, one-line help and kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// Empty for dimensionless settings.
    pub unit: &'static str,
    pub help: &'static str,
    /// The rules that read this setting, when only some of the rules that share the config do
    /// (FA's feedback scale means nothing to backprop); empty: every rule of the config.
    #[serde(skip_serializing_if = "<[RuleId]>::is_empty")]
    pub only: &'static [RuleId],
    #[serde(flatten)]
    pub kind: Kind,
}

/// A config type whose fields are declared with [`settings!`].
pub trait Settings: Serialize + DeserializeOwned + Default + Clone {
    /// The declaration of every field, in display order.
    fn fields() -> Vec<Field>;

    /// Rules that tie several fields together (the single-field limits are checked before).
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// Checks every field against its declared kind and limits, then [`Settings::check`]; the
    /// error names the first setting out of range and the range.
    fn validate(&self) -> Result<()> {
        let value = serde_json::to_value(self).map_err(|e| Error::invalid("settings", e.to_string()))?;
        for field in Self::fields() {
            field.check(&value[field.name])?;
        }
        self.check()
    }
}

/// Formats a limit for a message: `0.0001`, `10`, `4294967295`.
fn show(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl Field {
    /// The allowed range or values in words, e.g. `(0, 10]`, `1–2048`, `one of tanh, relu`.
    pub fn range(&self) -> String {
        match &self.kind {
            Kind::Int { min, max, .. } => format!("a whole number from {} to {}", show(*min), show(*max)),
            Kind::Number { min, max, min_open, max_open } => format!(
                "a number in {}{}, {}{}",
                if *min_open { "(" } else { "[" },
                show(*min),
                show(*max),
                if *max_open { ")" } else { "]" }
            ),
            Kind::Enum { values, .. } => format!("one of {}", values.join(", ")),
            Kind::List { min, max, max_length, integer, min_open } => format!(
                "at most {max_length} {}, each {} {} to {}",
                if *integer { "whole numbers" } else { "numbers" },
                if *min_open { "above" } else { "from" },
                show(*min),
                show(*max)
            ),
            Kind::Bool => "true or false".into(),
            Kind::Object => "a JSON object".into(),
        }
    }

    fn out_of_range(&self, got: impl std::fmt::Display) -> Error {
        Error::invalid(self.name, format!("must be {}, got {got}", self.range()))
    }

    fn check_number(&self, x: f64) -> Result<()> {
        let inside = match &self.kind {
            Kind::Int { min, max, .. } => x.fract() == 0.0 && x >= *min && x <= *max,
            Kind::Number { min, max, min_open, max_open } => {
                (if *min_open { x > *min } else { x >= *min }) && (if *max_open { x < *max } else { x <= *max })
            }
            Kind::List { min, max, integer, min_open, .. } => {
                (!integer || x.fract() == 0.0) && (if *min_open { x > *min } else { x >= *min }) && x <= *max
            }
            _ => true,
        };
        if inside {
            Ok(())
        } else {
            Err(self.out_of_range(show(x)))
        }
    }

    /// Checks one value (as JSON) against the field's kind and limits.
    pub fn check(&self, value: &Value) -> Result<()> {
        match (&self.kind, value) {
            (Kind::Int { .. } | Kind::Number { .. }, Value::Number(n)) => {
                self.check_number(n.as_f64().unwrap_or(f64::NAN))
            }
            (Kind::Enum { values, .. }, Value::String(s)) if values.contains(&s.as_str()) => Ok(()),
            (Kind::List { max_length, .. }, Value::Array(items)) => {
                if items.len() > *max_length {
                    return Err(self.out_of_range(format!("{} of them", items.len())));
                }
                items.iter().try_for_each(|item| match item.as_f64() {
                    Some(x) => self.check_number(x),
                    None => Err(self.out_of_range(item)),
                })
            }
            (Kind::Bool, Value::Bool(_)) | (Kind::Object, Value::Object(_)) => Ok(()),
            // serde writes NaN and ±∞ as null.
            (Kind::Int { .. } | Kind::Number { .. }, Value::Null) => {
                Err(self.out_of_range("a value that is not a finite number"))
            }
            (_, other) => Err(self.out_of_range(other)),
        }
    }

    /// Reads a value typed on the command line (`--lr 0.1`, `--hidden 500,100`, `--activation
    /// tanh`), refusing anything outside the field's limits with a message that names the setting
    /// and its range. Lists are comma-separated; `none`, an empty string or `0` is the empty list.
    pub fn parse(&self, raw: &str) -> std::result::Result<Value, String> {
        let flag = format!("--{}", self.name.replace('_', "-"));
        let bad = |why: String| format!("{flag}: '{raw}' {why}; {} is {}", self.label, self.range());
        let number = |text: &str| -> std::result::Result<f64, String> {
            text.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| bad("is not a number".into()))
        };
        let value = match &self.kind {
            Kind::Int { .. } | Kind::Number { .. } => serde_json::json!(number(raw)?),
            Kind::Enum { aliases, .. } => {
                let text = raw.trim();
                let canonical = aliases.iter().find(|a| a.0 == text).map_or(text, |a| a.1);
                Value::String(canonical.to_string())
            }
            Kind::List { integer, min, .. } => {
                let text = raw.trim();
                // "0" is an empty list (no hidden layers) only where 0 cannot be an item.
                if text.is_empty() || text == "none" || (text == "0" && *min > 0.0) {
                    Value::Array(Vec::new())
                } else {
                    let items = text.split(',').map(number).collect::<std::result::Result<Vec<_>, _>>()?;
                    Value::Array(
                        items
                            .into_iter()
                            .map(|x| if *integer { serde_json::json!(x as i64) } else { serde_json::json!(x) })
                            .collect(),
                    )
                }
            }
            Kind::Bool => match raw.trim() {
                "true" | "1" | "yes" | "on" => Value::Bool(true),
                "false" | "0" | "no" | "off" => Value::Bool(false),
                _ => return Err(bad("is not true or false".into())),
            },
            Kind::Object => serde_json::from_str(raw).map_err(|e| bad(format!("is not a JSON object ({e})")))?,
        };
        // Whole numbers travel as JSON integers, so that serde reads them into integer fields.
        let value = match (&self.kind, &value) {
            (Kind::Int { .. }, Value::Number(n)) if n.as_f64().is_some_and(|x| x.fract() == 0.0) => {
                serde_json::json!(n.as_f64().unwrap_or_default() as i64)
            }
            _ => value,
        };
        match self.check(&value) {
            Ok(()) => Ok(value),
            Err(_) => Err(bad("is out of range".into())),
        }
    }
}

/// Sets `name` of the settings `base` to `value` and reads them back, refusing values that do not
/// fit the field's type.
pub fn with_field<T: Settings>(base: &T, name: &str, value: Value) -> Result<T> {
    let mut json = serde_json::to_value(base).map_err(|e| Error::invalid("settings", e.to_string()))?;
    json[name] = value;
    serde_json::from_value(json).map_err(|e| Error::invalid("settings", format!("{name}: {e}")))
}

/// Declares a config struct once: fields with their type, default, label, optional unit and kind
/// (and, for a setting only some of the config's rules read, `only [Fa, Dfa]`), each with a doc
/// comment whose first line is its help text. Expands to the struct (serde,
/// `#[serde(default)]`), its `Default` and its [`Settings::fields`]; the type implements
/// [`Settings::check`] itself for cross-field rules (`impl Settings for T` is generated, so
/// `check` goes in the `check { … }` block at the end, given `self`).
///
/// ```ignore
/// settings! {
///     /// Settings of something.
///     pub struct Example {
///         /// Learning rate η.
///         lr: f64 = 0.1, "learning rate", Kind::positive(10.0);
///         /// Mean input current.
///         current: f64 = 300.0, "mean current" in "pA", Kind::number(0.0, 800.0);
///     }
///     check(self) { Ok(()) }
/// }
/// ```
#[macro_export]
macro_rules! settings {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])+
                $(#[serde($($serde:tt)*)])*
                $field:ident : $ty:ty = $default:expr, $label:literal $(in $unit:literal)?, $kind:expr
                    $(, only [$($rule:ident),+])?;
            )*
        }
        check($self_:ident) $check:block
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $(
                $(#[doc = $doc])+
                $(#[serde($($serde)*)])*
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        impl $name {
            /// Checks every field against its declared limits, then the rules that tie fields
            /// together; the error names the first setting out of range and its range.
            pub fn validate(&self) -> $crate::Result<()> {
                <Self as $crate::schema::Settings>::validate(self)
            }
        }

        impl $crate::schema::Settings for $name {
            fn fields() -> Vec<$crate::schema::Field> {
                #[allow(unused_imports)]
                use $crate::schema::Kind;
                vec![$(
                    $crate::schema::Field {
                        name: stringify!($field),
                        label: $label,
                        unit: $crate::settings!(@unit $($unit)?),
                        help: [$($doc),+][0].trim_ascii(),
                        kind: $kind,
                        only: &[$($($crate::rule::RuleId::$rule),+)?],
                    },
                )*]
            }

            fn check(&$self_) -> $crate::Result<()> $check
        }
    };
    (@unit $unit:literal) => { $unit };
    (@unit) => { "" };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::settings! {
        /// A config for the tests.
        pub struct Example {
            /// Learning rate η.
            lr: f64 = 0.1, "learning rate", Kind::positive(10.0);
            /// Layer widths.
            /// (A second line of docs is not help.)
            hidden: Vec<usize> = vec![8], "hidden layers", Kind::widths(1.0, 2048.0, 3);
            /// Mean current.
            current: f64 = 300.0, "mean current" in "pA", Kind::number(0.0, 800.0);
            /// Seed.
            seed: u64 = 1, "seed", Kind::seed();
        }
        check(self) {
            if self.hidden.len() == 2 { Err(Error::invalid("hidden", "not two")) } else { Ok(()) }
        }
    }

    #[test]
    fn declaration_gives_struct_defaults_and_fields() {
        let e = Example::default();
        assert_eq!((e.lr, e.hidden.clone(), e.current, e.seed), (0.1, vec![8], 300.0, 1));
        let fields = Example::fields();
        let names: Vec<_> = fields.iter().map(|f| f.name).collect();
        assert_eq!(names, ["lr", "hidden", "current", "seed"]);
        assert_eq!(fields[0].help, "Learning rate η.");
        assert_eq!(fields[1].help, "Layer widths.");
        assert_eq!(fields[2].unit, "pA");
        assert!(e.validate().is_ok());
    }

    #[test]
    fn validate_names_the_field_and_its_range() {
        for (name, value, range) in [
            ("lr", serde_json::json!(0.0), "(0, 10]"),
            ("lr", serde_json::json!(10.5), "(0, 10]"),
            ("current", serde_json::json!(-1.0), "[0, 800]"),
            ("hidden", serde_json::json!([8, 0]), "from 1 to 2048"),
            ("hidden", serde_json::json!([1, 2, 3, 4]), "at most 3"),
            ("seed", serde_json::json!(4_294_967_296u64), "from 0 to 4294967295"),
        ] {
            let e = with_field(&Example::default(), name, value).unwrap();
            let err = e.validate().unwrap_err().to_string();
            assert!(err.contains(name) && err.contains(range), "{err}");
        }
        let two = with_field(&Example::default(), "hidden", serde_json::json!([4, 4])).unwrap();
        assert_eq!(two.validate().unwrap_err(), Error::invalid("hidden", "not two"));
        // The limits themselves are allowed.
        for (name, value) in [("lr", serde_json::json!(10.0)), ("current", serde_json::json!(0.0))] {
            assert!(with_field(&Example::default(), name, value).unwrap().validate().is_ok());
        }
    }

    #[test]
    fn command_line_values_are_read_or_refused_by_the_same_limits() {
        let fields = Example::fields();
        let field = |n: &str| fields.iter().find(|f| f.name == n).unwrap().clone();
        assert_eq!(field("lr").parse("0.5").unwrap(), serde_json::json!(0.5));
        assert_eq!(field("hidden").parse("500,100").unwrap(), serde_json::json!([500, 100]));
        assert_eq!(field("hidden").parse("0").unwrap(), serde_json::json!([]));
        assert_eq!(field("seed").parse("7").unwrap(), serde_json::json!(7));
        for (name, raw) in [("lr", "-1"), ("lr", "abc"), ("lr", "inf"), ("hidden", "8,x"), ("seed", "1.5")] {
            let err = field(name).parse(raw).unwrap_err();
            assert!(err.contains(&format!("--{name}")) && err.contains(&field(name).range()), "{err}");
        }
    }
}
