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
    use brainprop::charts::{self, LineChart, Series};
    use brainprop::data::{mnist, DataKind};
    use brainprop::experiment::{DataStore, Experiment};
    use brainprop::nn::{Activation, Loss};
    use brainprop::rule::MetricTable;
    use clap::{Args, Parser, Subcommand};
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
    }

    #[derive(Args)]
    struct ReproduceArgs {
        /// Chapter: feedback or bursts
        chapter: String,
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

    #[derive(Args)]
    struct TrainArgs {
        /// Learning rule: bp, fa, dfa, sign, shallow, burstprop or eqprop (multiplex and plasticity
        /// too: their rows are time bins and pairing frequencies)
        #[arg(long, default_value = "bp")]
        rule: String,
        /// Data set: mnist, circles, xor, spiral, blobs
        #[arg(long, default_value = "mnist")]
        data: String,
        /// Hidden layer widths, comma-separated ("500,100"); 0 for none
        #[arg(long)]
        hidden: Option<String>,
        #[arg(long)]
        epochs: Option<u32>,
        #[arg(long)]
        seed: Option<u64>,
        /// Learning rate
        #[arg(long)]
        lr: Option<f64>,
        #[arg(long)]
        batch: Option<usize>,
        #[arg(long)]
        momentum: Option<f64>,
        /// sigmoid, tanh, relu or linear
        #[arg(long)]
        activation: Option<String>,
        /// cross-entropy (softmax outputs) or mse (linear outputs)
        #[arg(long)]
        loss: Option<String>,
        /// Initial forward weights: xavier or zero
        #[arg(long)]
        init: Option<String>,
        /// A JSON experiment (as in the page's "Copy settings"); flags override it
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
    }

    #[derive(Args)]
    struct BenchArgs {
        /// Rules to measure, comma-separated
        #[arg(long, default_value = "bp,fa,dfa,shallow,burstprop,eqprop,multiplex")]
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
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Train(args) => train(args),
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

    fn parse_enum<T: serde::de::DeserializeOwned>(what: &str, value: &str) -> Result<T, String> {
        serde_json::from_value(serde_json::Value::String(value.to_string()))
            .map_err(|_| format!("unknown {what} '{value}'"))
    }

    /// The settings a run starts from: the JSON file if given, else the data set's preset.
    fn experiment_from(args: &TrainArgs) -> Result<Experiment, String> {
        let data: DataKind = parse_enum("data set", &args.data)?;
        let mut experiment: Experiment = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => Experiment::preset(&args.rule, data).map_err(|e| e.to_string())?,
        };
        if let Experiment::Eqprop(c) = &mut experiment {
            c.data = data;
            c.seed = args.seed.unwrap_or(c.seed);
            c.epochs = args.epochs.unwrap_or(c.epochs);
        }
        let network_flags = [args.hidden.is_some(), args.lr.is_some(), args.batch.is_some(), args.momentum.is_some()];
        let Some(c) = experiment.feedforward_mut() else {
            if network_flags.iter().any(|&given| given) || args.activation.is_some() || args.loss.is_some() {
                return Err(format!(
                    "--hidden, --lr, --batch, --momentum, --activation and --loss set feed-forward networks; \
                     give {} its settings with --config FILE (JSON, as the page's experiment)",
                    experiment.rule_id()
                ));
            }
            return Ok(experiment);
        };
        c.data = data;
        if let Some(hidden) = &args.hidden {
            c.hidden = parse_hidden(hidden)?;
        }
        if let Some(v) = args.epochs {
            c.epochs = v;
        }
        if let Some(v) = args.seed {
            c.seed = v;
        }
        if let Some(v) = args.lr {
            c.lr = v;
        }
        if let Some(v) = args.batch {
            c.batch = v;
        }
        if let Some(v) = args.momentum {
            c.momentum = v;
        }
        if let Some(v) = &args.init {
            c.init = parse_enum("init", v)?;
        }
        if let Some(v) = &args.activation {
            c.activation = parse_enum::<Activation>("activation", v)?;
        }
        if let Some(v) = &args.loss {
            c.loss = parse_enum::<Loss>("loss", if v == "cross-entropy" { "crossentropy" } else { v })?;
        }
        Ok(experiment)
    }

    fn parse_hidden(text: &str) -> Result<Vec<usize>, String> {
        let widths: Vec<usize> = text
            .split(',')
            .map(|w| w.trim().parse::<usize>().map_err(|_| format!("--hidden: '{w}' is not a whole number")))
            .collect::<Result<_, _>>()?;
        Ok(if widths == [0] { Vec::new() } else { widths })
    }

    fn store_for(experiment: &Experiment, path: &Path) -> Result<DataStore, String> {
        Ok(match experiment.needs() {
            Some(DataKind::Mnist) => DataStore::with_mnist(mnist::load(path).map_err(|e| e.to_string())?),
            _ => DataStore::default(),
        })
    }

    fn train(args: TrainArgs) -> Result<(), String> {
        let experiment = experiment_from(&args)?;
        let store = store_for(&experiment, &args.mnist)?;
        let mut model = experiment.build(&store).map_err(|e| e.to_string())?;
        let epochs = match &experiment {
            Experiment::Eqprop(c) => c.epochs,
            other => other.feedforward().map_or(0, |c| c.epochs),
        };
        let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(epochs as u64) };
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] epoch {pos}/{len} {msg} ({elapsed})").expect("template"),
        );
        bar.set_prefix(experiment.rule_id());

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
            let outcome = model.step(64).map_err(|e| e.to_string())?;
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
            write_curves_svg(model.metrics(), experiment.rule_id(), path)?;
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
        let report = match args.chapter.as_str() {
            "feedback" => {
                let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
                reproduce::feedback::reproduce(&store, &options).map_err(|e| e.to_string())?
            }
            "bursts" => {
                let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
                reproduce::bursts::reproduce(&store, &options).map_err(|e| e.to_string())?
            }
            other => return Err(format!("no reproduction for chapter '{other}' (try: feedback, bursts)")),
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

    fn bench(args: BenchArgs) -> Result<(), String> {
        if args.print_experiments {
            for rule in args.rules.split(',').map(str::trim) {
                let experiment = Experiment::benchmark(rule).map_err(|e| e.to_string())?;
                println!("{}", serde_json::to_string(&experiment).map_err(|e| e.to_string())?);
            }
            return Ok(());
        }
        let store = DataStore::with_mnist(mnist::load(&args.mnist).map_err(|e| e.to_string())?);
        println!("rule,network,batch,where,samples_per_s_median,samples_per_s_min,samples_per_s_max,repeats");
        for rule in args.rules.split(',').map(str::trim) {
            let experiment = Experiment::benchmark(rule).map_err(|e| e.to_string())?;
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
                experiment.rule_id(),
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
}
