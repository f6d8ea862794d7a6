//! One path from a scenario to a run: the app and the CLI give the same numbers for the same file.
//!
//! Each file in `tests/data/timelines/` is run the CLI's way (`report::run`) and the app's way
//! (`AppState::from_scenario`, then Finish, a slice per frame as the page does), and every
//! transaction's metrics and per-peer arrivals must agree. Some files also have a result worked
//! out by hand from the documented order of a run.

use std::ops::ControlFlow;

use gossipscope::sim::engine::TxId;
use gossipscope::sim::report::{self, RunOptions};
use gossipscope::sim::scenario::Scenario;
use gossipscope::view::state::{AppState, Command};

fn corpus() -> Vec<(String, Scenario)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/timelines");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the timeline corpus")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, scenario)
        })
        .collect()
}

/// The app's run of `scenario`, finished.
fn app_run(scenario: &Scenario) -> AppState {
    let mut state = AppState::from_scenario("test", scenario).expect("the app opens it");
    state.dispatch(Command::Finish);
    while state.work().is_some() {
        state.dispatch(Command::Tick { ms: 16.0 });
    }
    state
}

#[test]
fn the_app_and_the_cli_give_the_same_numbers() {
    let corpus = corpus();
    assert!(corpus.len() >= 6, "{} files", corpus.len());
    for (name, scenario) in corpus {
        let options = RunOptions {
            trials: 1,
            ..RunOptions::default()
        };
        let cli = report::run(&scenario, &options, &mut |_| ControlFlow::Continue(()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let app = app_run(&scenario);
        let sim = app.simulation();
        assert!(sim.n_transactions() >= 1, "{name}");
        assert_eq!(sim.metrics(TxId(0)), cli.metrics, "{name}: metrics");
        assert_eq!(report::peer_rows(sim, TxId(0)), cli.peers, "{name}: peers");
    }
}

/// Reached peers of the first transaction, the CLI's way.
fn cli_reached(file: &str) -> usize {
    let (_, scenario) = corpus().into_iter().find(|(n, _)| n == file).unwrap();
    let report = report::run(&scenario, &RunOptions::default(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    report.metrics.reached
}

#[test]
fn a_timeline_out_of_order_runs_in_time_order() {
    // A line N0-N1-N2-N3, 100 ms a link; the file lists "N2 censors at 150 ms" before "N0
    // broadcasts at 0 ms". In time order N2 gets it at 200 ms, already censoring: N3 never does.
    assert_eq!(cli_reached("unsorted.json"), 3);
}

#[test]
fn an_edit_at_a_delivery_comes_after_it() {
    // N1 goes offline at 100 ms, the moment the transaction reaches it. Deliveries due at a
    // time come before the edits of that time, so N1 gets it, relays it, and N2 has it too.
    assert_eq!(cli_reached("edit-at-a-delivery.json"), 3);
}

#[test]
fn a_link_cut_in_flight_loses_the_message() {
    // The message from N1 to N2 is on the wire from 100 ms to 200 ms; the link goes at 150 ms.
    assert_eq!(cli_reached("cut-in-flight.json"), 2);
}

#[test]
fn refused_entries_are_reported() {
    let (_, scenario) = corpus()
        .into_iter()
        .find(|(n, _)| n == "refused-entries.json")
        .unwrap();
    let report = report::run(&scenario, &RunOptions::default(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    // A self-link, and a link between peers that are not neighbours.
    let times: Vec<f64> = report.refused.iter().map(|r| r.at_ms).collect();
    assert_eq!(times, [10.0, 20.0]);
    assert!(
        report.refused[0].error.contains("itself"),
        "{:?}",
        report.refused
    );
    assert!(report.to_json().contains("\"refused\""));
    // The app says so too.
    let app = AppState::from_scenario("test", &scenario).unwrap();
    let mut app = app;
    app.dispatch(Command::Finish);
    assert!(
        app.message()
            .is_some_and(|m| m.contains("20 ms was refused")),
        "{:?}",
        app.message()
    );
}
