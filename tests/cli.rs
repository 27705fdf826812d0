//! The command line speaks to a terminal user: a run that diverges says so in one line, names
//! the knob to lower and keeps what it trained (CSV rows and the `--svg` chart).

use std::process::Command;

#[test]
fn a_diverging_run_names_the_knob_and_keeps_its_curves() {
    let svg = std::env::temp_dir().join(format!("brainprop-diverged-{}.svg", std::process::id()));
    let _ = std::fs::remove_file(&svg);
    let out = Command::new(env!("CARGO_BIN_EXE_brainprop"))
        .args(["train", "--rule", "bp", "--data", "circles", "--activation", "relu", "--loss", "mse", "--lr", "10"])
        .args(["--epochs", "50", "--quiet", "--svg"])
        .arg(&svg)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a diverged run must fail: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("diverged") && stderr.contains("--lr"), "{stderr}");
    assert!(!stderr.contains("Reset"), "a terminal has no Reset button: {stderr}");
    // The CSV holds the untrained row at least, and the chart was written.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().count() >= 2, "{stdout}");
    let chart = std::fs::read_to_string(&svg).expect("the --svg file is written");
    assert!(chart.starts_with("<svg"));
    let _ = std::fs::remove_file(&svg);
}
