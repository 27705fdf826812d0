//! `brainprop`: the engine on the command line. Trains any rule headless, prints one CSV row per
//! epoch, and writes the same charts as the page as SVG.
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use brainprop::chapter::Chapter;
    use brainprop::charts::{self, LineChart, Series};
    use brainprop::data::{mnist, DataKind, DataStore};
    use brainprop::experiment::{self, Experiment};
    use brainprop::rule::MetricTable;
    use brainprop::rules::RuleId;
    use brainprop::schema::Field;
    use clap::{Arg, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
    use indicatif::{ProgressBar, ProgressStyle};
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::Instant;

    #[derive(Parser)]
    #[command(
        name = "brainprop",
        version,
        about = "Train biologically plausible learning rules headless and compare them with backprop"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    #[allow(clippy::large_enum_variant, reason = "parsed once per process")]
    enum Command {
        /// Train one rule; CSV on stdout (one row per epoch), progress on stderr.
        Train(TrainArgs),
        /// Measure throughput natively: samples/s of 784-500-10 at batch 32 for the learning rules
        /// (EqProp: batch 20, 20 free + 4 nudged steps),
        /// simulated ms per second for the spiking population (multiplex).
        Bench(BenchArgs),
        /// Reproduce a chapter headless: run its figures over several seeds and write
        /// reports/<chapter>.md with SVG figures and our numbers beside the published ones.
        Reproduce(ReproduceArgs),
        /// Print every rule's settings (name, kind, limits, unit, label, help, defaults and presets)
        /// as JSON: the one declaration the page's URL keys and forms and these flags are built from.
        Schema(SchemaArgs),
        /// Check experiments (JSON, one per line, as `--config` takes them) without running them:
        /// prints "ok" or what is wrong with each; exits 1 if any is invalid.
        Check(CheckArgs),
    }

    #[derive(Args)]
    struct SchemaArgs {
        /// Print it as the page's ES module (www/state/schema.js) instead of plain JSON
        #[arg(long)]
        js: bool,
    }

    #[derive(Args)]
    struct CheckArgs {
        /// File of experiments, one JSON object per line ("-" for standard input)
        #[arg(default_value = "-")]
        file: PathBuf,
    }

    #[derive(Args)]
    struct ReproduceArgs {
        /// The chapter, by its id in the site's URLs (`through-time` is the `time` chapter)
        #[arg(value_parser = Chapter::parse_cli)]
        chapter: Chapter,
        /// Seeds, comma-separated; every rule runs once per seed
        #[arg(long, default_value = "1,2,3")]
        seeds: String,
        /// Cut every run to this many epochs (a quick smoke run; the report says so)
        #[arg(long)]
        epochs: Option<u32>,
        /// Directory for the report and its figures
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Worker threads (default: all cores)
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long, default_value = mnist::DEFAULT_PATH)]
        mnist: PathBuf,
        /// No progress bar
        #[arg(long)]
        quiet: bool,
    }

    /// `train`'s own flags; the settings of the model are flags too, one per field of the rule's
    /// schema (see [`schema_flags`]).
    #[derive(Args)]
    struct TrainArgs {
        /// Learning rule or model: bp, fa, dfa, sign, shallow, burstprop, eqprop, multiplex,
        /// plasticity (multiplex and plasticity print time bins and pairing frequencies as rows)
        #[arg(long, default_value = "bp")]
        rule: String,
        /// A JSON experiment (as the page's worker gets it); flags you type override its values
        #[arg(long)]
        config: Option<PathBuf>,
        /// Write the loss and accuracy curves to this SVG file
        #[arg(long)]
        svg: Option<PathBuf>,
        /// The converted MNIST file
        #[arg(long, default_value = mnist::DEFAULT_PATH)]
        mnist: PathBuf,
        /// No progress bar
        #[arg(long)]
        quiet: bool,
        /// Print the experiment that would run (JSON, as `--config` takes it) and stop
        #[arg(long)]
        print_config: bool,
        /// Start from the weights in this JSON file (as a figure's "Save weights" or
        /// --save-weights wrote them); the first row evaluates them
        #[arg(long)]
        load_weights: Option<PathBuf>,
        /// When training ends, write the model's weights to this JSON file (a figure's "Load
        /// weights…" reads it)
        #[arg(long)]
        save_weights: Option<PathBuf>,
    }

    #[derive(Args)]
    struct BenchArgs {
        /// Rules to measure, comma-separated
        #[arg(long, default_value = "bp,fa,dfa,sign,shallow,kp,np,wp,burstprop,eqprop,multiplex")]
        rules: String,
        /// Timed repetitions; the median is reported
        #[arg(long, default_value_t = 5)]
        repeats: usize,
        /// Minibatches per repetition
        #[arg(long, default_value_t = 250)]
        batches: u32,
        #[arg(long, default_value = mnist::DEFAULT_PATH)]
        mnist: PathBuf,
        /// Print each rule's benchmark experiment as one line of JSON (what the browser benchmark
        /// sends to the worker) instead of timing it
        #[arg(long)]
        print_experiments: bool,
        /// Time single work units instead: the longest and median `step(1)` of every rule and
        /// model (or those of --rules, if given) at its defaults and at the largest
        /// configuration the limits accept
        #[arg(long)]
        units: bool,
        /// With --units: seconds to step each configuration at most
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
    }

    /// Every field of every rule's settings, once by name (the first rule that declares it gives
    /// the help shown by `--help`; values are read with the chosen rule's own declaration).
    fn schema_fields() -> Vec<Field> {
        let mut fields: Vec<Field> = Vec::new();
        for rule in RuleId::ALL {
            for field in experiment::fields_of(rule) {
                if !fields.iter().any(|f| f.name == field.name) {
                    fields.push(field);
                }
            }
        }
        fields
    }

    /// One `--flag` per schema field, e.g. `--feedback-scale` for `feedback_scale`; its help names
    /// the rules that read it.
    fn schema_flags() -> Vec<Arg> {
        let by_rule: Vec<(RuleId, Vec<Field>)> = RuleId::ALL.iter().map(|&r| (r, experiment::fields_of(r))).collect();
        schema_fields()
            .into_iter()
            .map(|f| {
                let reads = |(rule, fields): &&(RuleId, Vec<Field>)| {
                    fields.iter().any(|g| g.name == f.name && (g.only.is_empty() || g.only.contains(rule)))
                };
                let rules: Vec<&str> = by_rule.iter().filter(reads).map(|(r, _)| r.name()).collect();
                let unit = if f.unit.is_empty() { String::new() } else { format!(" [{}]", f.unit) };
                Arg::new(f.name)
                    .long(f.name.replace('_', "-"))
                    .value_name(f.name.to_uppercase())
                    .allow_hyphen_values(true)
                    .help(format!("{}{unit}: {} ({})", f.help.trim_end_matches('.'), f.range(), rules.join(", ")))
                    .help_heading("Settings (each rule takes its own; see `brainprop schema`)")
            })
            .collect()
    }

    pub fn main() -> ExitCode {
        let matches = Cli::command().mut_subcommand("train", |train| train.args(schema_flags())).get_matches();
        let cli = match Cli::from_arg_matches(&matches) {
            Ok(cli) => cli,
            Err(e) => e.exit(),
        };
        let result = match cli.command {
            Command::Train(args) => {
                train(args, matches.subcommand_matches("train").expect("the train subcommand's matches"))
            }
            Command::Schema(args) => {
                if args.js {
                    print!("{}", experiment::schema_module());
                } else {
                    println!("{}", serde_json::to_string_pretty(&experiment::schema()).expect("the schema is JSON"));
                }
                Ok(())
            }
            Command::Check(args) => check(args),
            Command::Bench(args) => bench(args),
            Command::Reproduce(args) => reproduce(args),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("brainprop: {message}");
                ExitCode::FAILURE
            }
        }
    }

    /// The settings a run starts from: the `--config` file if given, else the rule's preset for
    /// `--data` (MNIST if not given); then every settings flag the user typed, read and checked
    /// with the rule's own declaration of that field. Flags the user did not type change nothing.
    fn experiment_from(args: &TrainArgs, flags: &ArgMatches) -> Result<Experiment, String> {
        let typed = |name: &str| {
            (flags.value_source(name) == Some(clap::parser::ValueSource::CommandLine))
                .then(|| flags.get_one::<String>(name).cloned())
                .flatten()
        };
        let mut experiment: Experiment = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => {
                let rule: RuleId = args.rule.parse().map_err(|e| format!("--rule: {e}"))?;
                let data = match typed("data") {
                    Some(raw) => serde_json::from_value(serde_json::Value::String(raw.clone())).map_err(|_| {
                        format!("--data: '{raw}' is not a data set; one of mnist, circles, xor, spiral, blobs, linear")
                    })?,
                    None => DataKind::Mnist,
                };
                Experiment::preset(rule, data).map_err(|e| e.to_string())?
            }
        };
        let rule = experiment.rule();
        let fields = experiment::fields_of(rule);
        let mut settings = experiment.settings();
        for name in schema_fields().iter().map(|f| f.name) {
            let Some(raw) = typed(name) else { continue };
            let Some(field) = fields.iter().find(|f| f.name == name) else {
                let own: Vec<String> = fields.iter().map(|f| format!("--{}", f.name.replace('_', "-"))).collect();
                return Err(format!(
                    "--{} is not a setting of {rule}; its settings are {}",
                    name.replace('_', "-"),
                    own.join(", ")
                ));
            };
            settings[name] = field.parse(&raw)?;
        }
        experiment = Experiment::from_settings(rule, settings).map_err(|e| e.to_string())?;
        experiment.validate().map_err(|e| e.to_string())?;
        Ok(experiment)
    }

    /// Reads experiments, one JSON object per line, and says whether each is valid.
    fn check(args: CheckArgs) -> Result<(), String> {
        let text = if args.file.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read standard input: {e}"))?
        } else {
            std::fs::read_to_string(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file.display()))?
        };
        let mut invalid = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let verdict = serde_json::from_str::<Experiment>(line)
                .map_err(|e| e.to_string())
                .and_then(|e| e.validate().map_err(|e| e.to_string()));
            match verdict {
                Ok(()) => println!("ok"),
                Err(message) => {
                    invalid += 1;
                    println!("invalid: {message}");
                }
            }
        }
        if invalid == 0 {
            Ok(())
        } else {
            Err(format!("{invalid} experiment(s) are invalid"))
        }
    }

    fn store_for(experiment: &Experiment, path: &Path) -> Result<DataStore, String> {
        Ok(match experiment.needs() {
            Some(DataKind::Mnist) => DataStore::with_mnist(mnist::load(path).map_err(|e| e.to_string())?),
            _ => DataStore::default(),
        })
    }

    fn train(args: TrainArgs, flags: &ArgMatches) -> Result<(), String> {
        let experiment = experiment_from(&args, flags)?;
        if args.print_config {
            println!("{}", serde_json::to_string(&experiment).map_err(|e| e.to_string())?);
            return Ok(());
        }
        let store = store_for(&experiment, &args.mnist)?;
        let mut model = experiment.build(&store).map_err(|e| e.to_string())?;
        if let Some(path) = &args.load_weights {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let weights = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            model.load_weights(&weights).map_err(|e| format!("--load-weights {}: {e}", path.display()))?;
        }
        let epochs = experiment.epochs().unwrap_or(0);
        let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(epochs as u64) };
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] epoch {pos}/{len} {msg} ({elapsed})").expect("template"),
        );
        bar.set_prefix(experiment.rule().name());

        let mut out = std::io::stdout().lock();
        let columns = model.metrics().columns.clone();
        let shown: Vec<&String> = columns.iter().filter(|c| c.as_str() != "samples").collect();
        let header: Vec<&str> = shown.iter().map(|c| c.as_str()).chain(["samples_per_s"]).collect();
        writeln!(out, "{}", header.join(",")).map_err(|e| e.to_string())?;
        // Row 0 (the untrained network, for the learning rules) has no throughput.
        let mut written = model.metrics().rows.len();
        for row in 0..written {
            write_row(&mut out, model.metrics(), row, f64::NAN)?;
        }
        let mut clock = Instant::now();
        let mut samples = 0;
        loop {
            let outcome = match model.step(64) {
                Ok(outcome) => outcome,
                Err(error) => {
                    // The CSV already holds every epoch that trained; the chart keeps them too.
                    bar.finish_and_clear();
                    let mut kept = String::new();
                    if let Some(path) = &args.svg {
                        write_curves_svg(model.metrics(), experiment.rule().name(), path)?;
                        kept = format!("; {} holds the curves up to there", path.display());
                    }
                    return Err(match error {
                        brainprop::Error::Diverged { epoch, loss } => format!(
                            "training diverged at epoch {epoch:.2} (loss is {loss}): lower the learning rate (--lr) \
                             and run again{kept}"
                        ),
                        other => format!("{other}{kept}"),
                    });
                }
            };
            samples += outcome.samples;
            let table = model.metrics();
            if table.rows.len() > written {
                let rate = samples as f64 / clock.elapsed().as_secs_f64();
                for row in written..table.rows.len() {
                    write_row(&mut out, table, row, rate)?;
                }
                written = table.rows.len();
                bar.set_position(table.rows[written - 1][0] as u64);
                if let Some(accuracy) = table.last("test_acc") {
                    bar.set_message(format!("test acc {accuracy:.4}"));
                }
                (clock, samples) = (Instant::now(), 0);
            }
            if outcome.finished {
                break;
            }
        }
        bar.finish_and_clear();
        if let Some(path) = &args.svg {
            write_curves_svg(model.metrics(), experiment.rule().name(), path)?;
        }
        if let Some(path) = &args.save_weights {
            let weights = model.weights().map_err(|e| format!("--save-weights: {e}"))?;
            let text = serde_json::to_string(&weights).map_err(|e| e.to_string())?;
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn write_row(out: &mut impl Write, table: &MetricTable, row: usize, rate: f64) -> Result<(), String> {
        let values: Vec<String> = table
            .columns
            .iter()
            .zip(&table.rows[row])
            .filter(|(c, _)| c.as_str() != "samples")
            .map(|(c, v)| if c == "epoch" { format!("{v}") } else { format!("{v:.6}") })
            .chain([if rate.is_finite() { format!("{rate:.0}") } else { String::new() }])
            .collect();
        writeln!(out, "{}", values.join(",")).map_err(|e| e.to_string())
    }

    /// Loss and accuracy against epoch, side by side, in one SVG.
    fn write_curves_svg(table: &MetricTable, rule: &str, path: &Path) -> Result<(), String> {
        let series = |col: &str, name: String, color: usize| Series {
            name,
            points: table
                .column("epoch")
                .unwrap_or_default()
                .into_iter()
                .zip(table.column(col).unwrap_or_default())
                .collect(),
            color,
        };
        let loss = LineChart {
            title: "Loss".into(),
            x_label: "epoch".into(),
            y_label: "loss".into(),
            series: vec![
                series("train_loss", format!("{rule} train"), 0),
                series("test_loss", format!("{rule} test"), 1),
            ],
            y_range: None,
            scale: 1.0,
            x_tick_labels: true,
            y_tick_labels: true,
        };
        let acc = LineChart {
            title: "Accuracy".into(),
            y_label: "accuracy".into(),
            series: vec![
                series("train_acc", format!("{rule} train"), 0),
                series("test_acc", format!("{rule} test"), 1),
            ],
            ..loss.clone()
        };
        let svg = charts::svg_row(&[loss, acc], 480, 340)?;
        std::fs::write(path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    fn reproduce(args: ReproduceArgs) -> Result<(), String> {
        use brainprop::reproduce::{self, Options};
        let seeds: Vec<u64> = args
            .seeds
            .split(',')
            .map(|s| s.trim().parse().map_err(|_| format!("--seeds: '{s}' is not a whole number")))
            .collect::<Result<_, _>>()?;
        if seeds.is_empty() {
            return Err("--seeds: give at least one seed".into());
        }
        if args.epochs == Some(0) {
            return Err("--epochs must be at least 1".into());
        }
        let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} runs done, last: {msg} ({elapsed})").expect("template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        let progress = |label: &str| {
            bar.inc(1);
            bar.set_message(label.to_string());
        };
        let options = Options { seeds, epochs: args.epochs, threads, progress: &progress };
        let report = match args.chapter {
            Chapter::Feedback => {
                let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
                reproduce::feedback::reproduce(&store, &options).map_err(|e| e.to_string())?
            }
            Chapter::Nudging => {
                let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
                reproduce::nudging::reproduce(&store, &options).map_err(|e| e.to_string())?
            }
            Chapter::Dendrites => {
                let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
                reproduce::dendrites::reproduce(&store, &options).map_err(|e| e.to_string())?
            }
            Chapter::Spikes => {
                reproduce::spikes::reproduce(&DataStore::default(), &options).map_err(|e| e.to_string())?
            }
            Chapter::Time => {
                reproduce::through_time::reproduce(&DataStore::default(), &options).map_err(|e| e.to_string())?
            }
            other => {
                return Err(format!(
                    "the {other} chapter has no reproduction yet (try: {})",
                    Chapter::REPRODUCED.map(|c| c.name()).join(", ")
                ))
            }
        };
        bar.finish_and_clear();
        std::fs::create_dir_all(&args.out).map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
        let write = |name: &str, text: &str| {
            let path = args.out.join(name);
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        for figure in &report.figures {
            write(&figure.file, &figure.svg)?;
        }
        write(&format!("{}.md", report.name), &report.markdown)?;
        for check in &report.checks {
            println!("{} {}: {}", if check.passed { "PASS" } else { "FAIL" }, check.claim, check.measured);
        }
        println!("wrote {}", args.out.join(format!("{}.md", report.name)).display());
        if report.checks.iter().all(|c| c.passed) || args.epochs.is_some() {
            Ok(()) // a cut-short smoke run is not expected to meet the claims
        } else {
            Err("some of the chapter's claims were not met (see above)".into())
        }
    }

    /// A comma-separated list of rule ids.
    /// The benchmark runs named in `--rules`: each a rule, or `rule:variant`
    /// ([`Experiment::benchmark_named`]), with its name.
    fn parse_rules(text: &str) -> Result<Vec<(String, Experiment)>, String> {
        text.split(',')
            .map(|name| {
                let name = name.trim();
                Experiment::benchmark_named(name).map(|e| (name.to_string(), e)).map_err(|e| format!("--rules: {e}"))
            })
            .collect()
    }

    fn bench(args: BenchArgs) -> Result<(), String> {
        if args.units {
            return bench_units(&args);
        }
        if args.print_experiments {
            for (_, experiment) in parse_rules(&args.rules)? {
                println!("{}", serde_json::to_string(&experiment).map_err(|e| e.to_string())?);
            }
            return Ok(());
        }
        let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
        println!("rule,network,batch,where,samples_per_s_median,samples_per_s_min,samples_per_s_max,repeats");
        for (name, experiment) in parse_rules(&args.rules)? {
            let mut model = experiment.build(&store).map_err(|e| e.to_string())?;
            model.step(20).map_err(|e| e.to_string())?; // warm-up
            let mut rates = Vec::new();
            for _ in 0..args.repeats {
                // At least `batches` work units and a quarter of a second, for a readable clock.
                let start = Instant::now();
                let mut samples = 0;
                let mut units = 0;
                while units < args.batches || start.elapsed().as_secs_f64() < 0.25 {
                    let outcome = model.step(args.batches.min(50)).map_err(|e| e.to_string())?;
                    samples += outcome.samples;
                    units += outcome.units;
                }
                rates.push(samples as f64 / start.elapsed().as_secs_f64());
            }
            rates.sort_by(f64::total_cmp);
            let (network, batch) = experiment.benchmark_shape();
            println!(
                "{},{},{},native,{:.0},{:.0},{:.0},{}",
                name,
                network,
                batch,
                rates[rates.len() / 2],
                rates[0],
                rates[rates.len() - 1],
                args.repeats
            );
        }
        Ok(())
    }

    /// `bench --units`: for each rule at its defaults and at its largest accepted configuration
    /// ([`brainprop::cost::largest_accepted`]), steps one unit at a time until an evaluation row
    /// past the build and 50 units are done, the run finishes, or `--seconds` pass, and prints
    /// the longest and median unit (native ms) beside the estimate.
    fn bench_units(args: &BenchArgs) -> Result<(), String> {
        let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
        let default_rules = "bp,fa,dfa,sign,shallow,kp,np,wp,burstprop,eqprop,multiplex";
        let rules: Vec<RuleId> = if args.rules == default_rules {
            RuleId::ALL.to_vec()
        } else {
            args.rules
                .split(',')
                .map(|r| r.trim().parse())
                .collect::<Result<_, String>>()
                .map_err(|e| format!("--rules: {e}"))?
        };
        println!("rule,configuration,shape,units,rows,median_ms,longest_ms,estimated_unit_ms,build_ms");
        for rule in rules {
            let default = Experiment::preset(rule, DataKind::Mnist).map_err(|e| e.to_string())?;
            let largest = brainprop::cost::largest_accepted(rule).map_err(|e| e.to_string())?;
            for (label, experiment) in [("default", default), ("largest", largest)] {
                let cost = brainprop::cost::estimate(&experiment);
                let start = Instant::now();
                let mut model = experiment.build(&store).map_err(|e| format!("{rule} {label}: {e}"))?;
                let build_ms = start.elapsed().as_secs_f64() * 1e3;
                let rows_at_build = model.metrics().rows.len();
                let mut times = Vec::new();
                let clock = Instant::now();
                loop {
                    let t = Instant::now();
                    let outcome = model.step(1).map_err(|e| format!("{rule} {label}: {e}"))?;
                    times.push(t.elapsed().as_secs_f64() * 1e3);
                    let rows = model.metrics().rows.len() - rows_at_build;
                    if outcome.finished
                        || (rows > 0 && times.len() >= 50)
                        || clock.elapsed().as_secs_f64() > args.seconds
                    {
                        break;
                    }
                }
                let rows = model.metrics().rows.len() - rows_at_build;
                let longest = times.iter().copied().fold(0.0, f64::max);
                times.sort_by(f64::total_cmp);
                println!(
                    "{rule},{label},{},{},{rows},{:.2},{:.1},{:.1},{build_ms:.0}",
                    cost.shape.replace(',', ";"),
                    times.len(),
                    times[times.len() / 2],
                    longest,
                    cost.unit_ms
                );
            }
        }
        Ok(())
    }
}
