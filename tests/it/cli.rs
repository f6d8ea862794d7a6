//! The `gossipscope` binary end to end: generate, simulate, reports, and one-line errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use crate::harness::explicit_scenario;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = format!(
            "gossipscope-it-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(unique);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.file(name), contents).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name))
            .unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
    }

    fn json(&self, name: &str) -> Value {
        serde_json::from_str(&self.read(name)).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary in `dir` with `args`.
fn gossipscope(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gossipscope"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Runs the binary and insists that it succeeds.
fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = gossipscope(dir, args);
    assert!(
        out.status.success(),
        "gossipscope {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

/// Runs the binary, insists that it fails with one error line naming every
/// part of `names`, and returns that line.
fn fails(dir: &Path, args: &[&str], names: &[&str]) -> String {
    let out = gossipscope(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "gossipscope {args:?} succeeded");
    assert_ne!(
        out.status.code(),
        Some(101),
        "a panic's exit code: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line on stderr: {stderr:?}");
    assert!(stderr.ends_with('\n'));
    let line = lines[0];
    assert!(line.starts_with("gossipscope: error: "), "{line}");
    for name in names {
        assert!(
            line.contains(name),
            "the error should name {name:?}: {line}"
        );
    }
    assert!(out.stdout.is_empty(), "no report on failure");
    line.to_string()
}

/// Generates the Bitcoin-style network of 300 peers with `seed` into `out` inside `dir`.
fn generate_300(dir: &TempDir, seed: &str, out: &str) {
    let args = [
        "generate",
        "--topology",
        "bitcoin",
        "--peers",
        "300",
        "--seed",
        seed,
        "--out",
        out,
    ];
    ok(dir.path(), &args);
}

/// A directory holding `net.json`: the Bitcoin-style network of 300 peers, seed 1.
fn with_network(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    generate_300(&dir, "1", "net.json");
    dir
}

fn as_ms(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Checks a report's per-peer list against its metrics and against itself.
fn check_report(report: &Value, n_peers: usize) {
    let peers = report["peers"].as_array().expect("peers is a list");
    assert_eq!(peers.len(), n_peers);
    let metrics = &report["metrics"];
    for key in [
        "reached",
        "reachable",
        "messages",
        "redundant",
        "t50_ms",
        "t90_ms",
        "t100_ms",
        "rounds",
    ] {
        assert!(metrics.get(key).is_some(), "metrics.{key} is missing");
    }
    let by_id = |id: u64| peers.iter().find(|p| p["id"].as_u64() == Some(id)).unwrap();
    let mut reached = 0;
    let mut latest: f64 = 0.0;
    for p in peers {
        for key in [
            "id",
            "first_arrival_ms",
            "arrival_hops",
            "shortest_hops",
            "parent",
        ] {
            assert!(p.get(key).is_some(), "peer entry without {key}: {p}");
        }
        let Some(arrival) = as_ms(&p["first_arrival_ms"]) else {
            assert!(p["arrival_hops"].is_null() && p["parent"].is_null(), "{p}");
            continue;
        };
        reached += 1;
        latest = latest.max(arrival);
        // The path it came by is a path: no shorter than the shortest one.
        let shortest = p["shortest_hops"]
            .as_u64()
            .expect("a reached peer has a path");
        assert!(shortest <= p["arrival_hops"].as_u64().unwrap(), "{p}");
        match p["parent"].as_u64() {
            None => {
                assert_eq!(p["arrival_hops"], 0, "only the source has no parent: {p}");
                assert_eq!(p["id"], report["source"]);
                assert_eq!(arrival, 0.0);
            }
            Some(parent) => {
                // A peer hears it one hop after, and no earlier than, its parent.
                let parent = by_id(parent);
                let hops = p["arrival_hops"].as_u64().unwrap();
                assert_eq!(parent["arrival_hops"].as_u64(), Some(hops - 1), "{p}");
                assert!(
                    as_ms(&parent["first_arrival_ms"]).unwrap() <= arrival,
                    "{p}"
                );
            }
        }
    }
    assert_eq!(metrics["reached"].as_u64(), Some(reached));
    // Reachable, counted by the metrics, is every peer a breadth-first search from the source
    // finds (the report's shortest_hops, a second computation).
    let reachable = metrics["reachable"].as_u64().unwrap();
    let with_a_path = peers
        .iter()
        .filter(|p| !p["shortest_hops"].is_null())
        .count();
    assert_eq!(reachable, with_a_path as u64);
    if reached == reachable {
        assert_eq!(metrics["t100_ms"].as_f64(), Some(latest));
    } else {
        assert!(metrics["t100_ms"].is_null());
    }
}

#[test]
fn generate_then_simulate_writes_a_report_and_a_csv() {
    let dir = with_network("basic");
    let scenario = dir.json("net.json");
    assert_eq!(scenario["format"], "gossipscope/1");
    assert_eq!(scenario["peers"].as_array().unwrap().len(), 300);
    ok(
        dir.path(),
        &[
            "simulate",
            "net.json",
            "--out",
            "report.json",
            "--csv",
            "peers.csv",
        ],
    );
    let report = dir.json("report.json");
    check_report(&report, 300);
    assert_eq!(report["relay"], "flood");
    assert!(report["metrics"]["rounds"].is_null(), "flood has no rounds");
    // Every generated peer is online and relays: flood reaches all it can.
    assert_eq!(report["metrics"]["reached"], report["metrics"]["reachable"]);

    let csv = dir.read("peers.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,first_arrival_ms,arrival_hops,shortest_hops,parent"
    );
    assert_eq!(lines.len(), 1 + 300);
    let cell = |v: &Value| v.as_u64().map_or(String::new(), |n| n.to_string());
    for (line, peer) in lines[1..].iter().zip(report["peers"].as_array().unwrap()) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 5, "{line}");
        assert_eq!(cells[0], peer["id"].to_string());
        assert_eq!(cells[2], cell(&peer["arrival_hops"]));
        assert_eq!(cells[3], cell(&peer["shortest_hops"]));
        assert_eq!(cells[4], cell(&peer["parent"]));
        // Every peer was reached, over a path never shorter than the shortest one.
        let arrival = peer["arrival_hops"].as_u64().unwrap();
        assert!(arrival >= peer["shortest_hops"].as_u64().unwrap(), "{peer}");
        let arrival: Option<f64> = (!cells[1].is_empty()).then(|| cells[1].parse().unwrap());
        assert_eq!(arrival, peer["first_arrival_ms"].as_f64());
    }
}

#[test]
fn trials_report_every_trial_and_their_mean() {
    let dir = with_network("trials");
    ok(
        dir.path(),
        &[
            "simulate", "net.json", "--relay", "push", "--trials", "5", "--out", "r.json",
        ],
    );
    let report = dir.json("r.json");
    let trials = report["trials"].as_array().expect("trials is a list");
    assert_eq!(trials.len(), 5);
    assert_eq!(
        trials[0], report["metrics"],
        "the first trial is the one reported"
    );
    let mean = &report["mean"];
    for key in ["reached", "messages", "redundant"] {
        let sum: f64 = trials.iter().map(|t| t[key].as_f64().unwrap()).sum();
        let expected = sum / 5.0;
        let got = mean[key].as_f64().unwrap();
        assert!(
            (got - expected).abs() < 1e-9,
            "mean.{key}: {got} != {expected}"
        );
    }
    // Push draws its targets: the derived seeds give trials that differ.
    assert!(trials.iter().any(|t| t["messages"] != trials[0]["messages"]
        || t["reached"] != trials[0]["reached"]
        || t["t90_ms"] != trials[0]["t90_ms"]));
    // Without --trials there are neither.
    ok(dir.path(), &["simulate", "net.json", "--out", "one.json"]);
    let one = dir.json("one.json");
    assert!(one.get("trials").is_none() && one.get("mean").is_none());
}

#[test]
fn the_same_seed_gives_byte_identical_files() {
    let dir = with_network("same-seed");
    let generate = |out: &str, seed: &str| {
        generate_300(&dir, seed, out);
        dir.read(out)
    };
    assert_eq!(generate("again.json", "1"), dir.read("net.json"));
    assert_ne!(generate("other.json", "2"), dir.read("net.json"));
    for relay in ["bitcoin", "rumor"] {
        let run = |out: &str| {
            ok(
                dir.path(),
                &["simulate", "net.json", "--relay", relay, "--out", out],
            );
            dir.read(out)
        };
        assert_eq!(run("a.json"), run("b.json"), "{relay}");
    }
}

#[test]
fn every_relay_policy_runs() {
    let dir = with_network("relays");
    for relay in ["flood", "bitcoin", "push", "rumor", "client-server"] {
        let out = ok(
            dir.path(),
            &["simulate", "net.json", "--relay", relay, "--quiet"],
        );
        assert!(out.stderr.is_empty(), "--quiet prints nothing on stderr");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        check_report(&report, 300);
        assert_eq!(report["relay"], relay);
        let rounds = &report["metrics"]["rounds"];
        if relay == "push" || relay == "rumor" {
            assert!(rounds.as_u64().is_some_and(|r| r >= 1), "{relay}: {rounds}");
        } else {
            assert!(rounds.is_null(), "{relay}: {rounds}");
        }
        // Client-server over a mesh reaches past the source only if the
        // source is linked to the server; the star test covers it.
        if relay != "client-server" {
            let reached = report["metrics"]["reached"].as_u64().unwrap();
            assert!(reached > 1, "{relay}");
        }
    }
}

#[test]
fn a_star_is_simulated_as_client_server() {
    let dir = TempDir::new("star");
    ok(
        dir.path(),
        &[
            "generate",
            "--topology",
            "star",
            "--clients",
            "10",
            "--out",
            "star.json",
        ],
    );
    let scenario = dir.json("star.json");
    assert_eq!(scenario["relay"]["policy"], "client-server");
    assert_eq!(scenario["relay"]["server"], 0);
    let out = ok(
        dir.path(),
        &["simulate", "star.json", "--source", "N4", "--quiet"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_report(&report, 11);
    assert_eq!(report["relay"], "client-server");
    assert_eq!(report["source"], 4);
    // Client to server, then server to the 9 other clients.
    assert_eq!(report["metrics"]["reached"], 11);
    assert_eq!(report["metrics"]["messages"], 10);
    for p in report["peers"].as_array().unwrap() {
        let expected = match p["id"].as_u64().unwrap() {
            4 => 0,
            0 => 1,
            _ => 2,
        };
        assert_eq!(p["arrival_hops"], expected, "{p}");
    }
}

#[test]
fn a_topology_can_stand_in_for_a_file() {
    let dir = TempDir::new("ring");
    let out = ok(
        dir.path(),
        &["simulate", "--topology", "ring", "--peers", "20", "--quiet"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_report(&report, 20);
    assert_eq!(report["metrics"]["reached"], 20);
    // From N0 round a ring of 20 the farthest peer (N10) is 10 hops away, both ways.
    let hops: Vec<u64> = report["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["arrival_hops"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (0..20u64).map(|i| i.min(20 - i)).collect();
    assert_eq!(hops, expected);
}

// ---- Bad input: one line, naming the problem --------------------------------------------------

#[test]
fn a_missing_file_is_one_line() {
    let dir = TempDir::new("missing");
    fails(dir.path(), &["simulate", "no-such.json"], &["no-such.json"]);
}

#[test]
fn malformed_json_is_one_line_with_the_place() {
    let dir = TempDir::new("malformed");
    let broken = explicit_scenario(&[(0, 1, 10.0)]).replacen("\"links\": [", "\"links\": [}", 1);
    dir.write("bad.json", &broken);
    // The break is on line 5 of the file.
    fails(
        dir.path(),
        &["simulate", "bad.json"],
        &["bad.json", "line 5", "column"],
    );
}

#[test]
fn an_unknown_field_is_one_line_naming_it() {
    let dir = TempDir::new("unknown-field");
    let text = explicit_scenario(&[]).replacen("\"seed\": 1", "\"seed\": 1, \"colour\": 2", 1);
    dir.write("bad.json", &text);
    fails(
        dir.path(),
        &["simulate", "bad.json"],
        &["bad.json", "colour"],
    );
}

#[test]
fn a_link_to_a_missing_peer_is_one_line_naming_it() {
    let dir = TempDir::new("missing-peer");
    dir.write(
        "bad.json",
        &explicit_scenario(&[(0, 1, 5.0), (1, 2, 5.0), (2, 99, 5.0)]),
    );
    fails(dir.path(), &["simulate", "bad.json"], &["links[2]", "N99"]);
}

#[test]
fn an_exceeded_limit_is_one_line_naming_it() {
    let dir = TempDir::new("limit");
    let links: Vec<(u32, u32, f64)> = (1..=9).map(|to| (0, to, 10.0)).collect();
    dir.write("bad.json", &explicit_scenario(&links));
    fails(
        dir.path(),
        &["simulate", "bad.json"],
        &["links[8]", "already has 8 outbound links"],
    );
}

#[test]
fn a_negative_latency_is_one_line_naming_it() {
    let dir = TempDir::new("latency");
    dir.write("bad.json", &explicit_scenario(&[(0, 1, 5.0), (1, 2, -3.0)]));
    fails(
        dir.path(),
        &["simulate", "bad.json"],
        &["links[1]", "latency_ms"],
    );
}

#[test]
fn bad_options_are_one_line_naming_them() {
    let dir = TempDir::new("options");
    dir.write("good.json", &explicit_scenario(&[(0, 1, 5.0)]));
    fails(
        dir.path(),
        &["simulate", "good.json", "--bogus", "1"],
        &["--bogus"],
    );
    fails(
        dir.path(),
        &["simulate", "good.json", "--relay", "gosip"],
        &["gosip"],
    );
    fails(
        dir.path(),
        &["simulate", "good.json", "--trials", "0"],
        &["--trials", "0"],
    );
    fails(
        dir.path(),
        &["simulate", "good.json", "--trials", "many"],
        &["--trials", "many"],
    );
    fails(
        dir.path(),
        &["simulate", "good.json", "--source", "N99"],
        &["N99"],
    );
    fails(
        dir.path(),
        &["simulate", "good.json", "--relay", "flood", "--fanout", "2"],
        &["--fanout"],
    );
    fails(
        dir.path(),
        &["simulate", "good.json", "--relay"],
        &["--relay"],
    );
    fails(dir.path(), &["simulate"], &["simulate"]);
    fails(dir.path(), &["frobnicate"], &["frobnicate"]);
    fails(
        dir.path(),
        &["generate", "--topology", "moebius", "--peers", "5"],
        &["moebius"],
    );
    fails(
        dir.path(),
        &["generate", "--topology", "ring", "--peers", "2"],
        &["ring", "2"],
    );
    fails(
        dir.path(),
        &["generate", "--topology", "ring", "--peers", "x"],
        &["--peers", "x"],
    );
    fails(
        dir.path(),
        &["generate", "--topology", "ring", "--peers", "9", "--k", "2"],
        &["`k`", "ring"],
    );
    // Nothing was written by the failures.
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
}

/// Runs the binary with raw (possibly non-UTF-8) arguments and the given standard output.
fn gossipscope_raw(
    dir: &Path,
    args: &[std::ffi::OsString],
    stdout: std::process::Stdio,
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gossipscope"))
        .args(args)
        .current_dir(dir)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// Arguments as the OS passes them.
fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

/// Insists that the run failed with exit 1 and exactly one error line; returns that line.
fn one_error_line(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("gossipscope: error: "), "{stderr}");
    stderr
}

#[test]
fn a_non_utf8_argument_is_one_line_not_an_abort() {
    use std::os::unix::ffi::OsStringExt;
    let dir = TempDir::new("non-utf8");
    let raw = |bytes: &[u8]| std::ffi::OsString::from_vec(bytes.to_vec());
    for args in [
        vec![raw(b"simulate"), raw(b"--topology"), raw(b"\xff\xfe")],
        vec![raw(b"simulate"), raw(b"\xff.json")],
        vec![raw(b"\xff")],
    ] {
        let out = gossipscope_raw(dir.path(), &args, std::process::Stdio::piped());
        one_error_line(&out);
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    // A pipe whose reader is gone before the first write, as `| head -c0` leaves it.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let dir = TempDir::new("epipe");
    let args = os(&["simulate", "--topology", "ring", "--peers", "3000"]);
    let out = gossipscope_raw(dir.path(), &args, writer.into());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_full_disk_is_one_line() {
    let dir = TempDir::new("full");
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let args = os(&["simulate", "--topology", "ring", "--peers", "5", "--quiet"]);
    let out = gossipscope_raw(dir.path(), &args, full.into());
    assert!(one_error_line(&out).contains("No space left on device"));
}

#[test]
fn outputs_are_replaced_whole_and_leave_no_temporary_files() {
    let dir = TempDir::new("atomic");
    dir.write("report.json", "the previous report");
    ok(
        dir.path(),
        &[
            "simulate",
            "--topology",
            "ring",
            "--peers",
            "20",
            "--quiet",
            "--out",
            "report.json",
            "--csv",
            "peers.csv",
        ],
    );
    assert_eq!(
        dir.json("report.json")["peers"].as_array().unwrap().len(),
        20
    );
    // One header line and a line per peer.
    assert_eq!(dir.read("peers.csv").lines().count(), 21);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["peers.csv", "report.json"]);
    // A run that fails leaves the earlier output as it was.
    fails(
        dir.path(),
        &[
            "simulate",
            "--topology",
            "ring",
            "--peers",
            "2",
            "--out",
            "report.json",
        ],
        &["ring"],
    );
    assert_eq!(
        dir.json("report.json")["peers"].as_array().unwrap().len(),
        20
    );
}

#[test]
fn options_that_shape_a_network_are_refused_with_a_file() {
    let dir = TempDir::new("file-and-shape");
    dir.write("good.json", &explicit_scenario(&[(0, 1, 5.0)]));
    for option in [
        ["--peers", "500"],
        ["--latency", "constant:5"],
        ["--k", "4"],
    ] {
        let mut args = vec!["simulate", "good.json"];
        args.extend(option);
        fails(dir.path(), &args, &[option[0], "good.json"]);
    }
}

#[test]
fn caps_are_checked_before_the_work() {
    let dir = TempDir::new("caps");
    // One peer with an id near the top of u32: refused without sizing a vector by it.
    dir.write(
        "far.json",
        r#"{"format":"gossipscope/1","seed":1,"peers":[{"id":4294967294}]}"#,
    );
    fails(
        dir.path(),
        &["simulate", "far.json"],
        &["peers[0].id", "4294967294"],
    );
    dir.write(
        "next.json",
        r#"{"format":"gossipscope/1","seed":1,"peers":[{"id":0}],"next_peer_id":4294967295}"#,
    );
    fails(
        dir.path(),
        &["simulate", "next.json"],
        &["next_peer_id", "4294967295"],
    );
    // Parameters that would run for ever, refused with the field and its cap.
    for (relay, option, field, cap) in [
        ("push", "--rounds", "rounds", "1000"),
        ("rumor", "--rumor-k", "k", "100"),
    ] {
        let ring = ["simulate", "--topology", "ring", "--peers", "9"];
        let args = [&ring[..], &["--relay", relay, option, "4294967295"]].concat();
        fails(dir.path(), &args, &[field, "4294967295", cap]);
    }
}

#[test]
fn ctrl_c_stops_a_long_run_cleanly() {
    let dir = TempDir::new("interrupt");
    let child = Command::new(env!("CARGO_BIN_EXE_gossipscope"))
        .args([
            "simulate",
            "--topology",
            "bitcoin",
            "--peers",
            "20000",
            "--relay",
            "bitcoin",
            "--trials",
            "100000",
            "--out",
            "report.json",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.lines().last().unwrap().contains("interrupted"),
        "{stderr}"
    );
    assert!(!dir.file("report.json").exists());
}

#[test]
fn arrival_hops_follow_the_fast_path_and_shortest_hops_the_short_one() {
    // N0 to N1 directly takes 100 ms; through N2 it takes 10 + 10 ms.
    let dir = TempDir::new("two-hops");
    dir.write(
        "detour.json",
        &explicit_scenario(&[(0, 1, 100.0), (0, 2, 10.0), (2, 1, 10.0)]),
    );
    let out = ok(dir.path(), &["simulate", "detour.json", "--quiet"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let n1 = &report["peers"][1];
    assert_eq!(n1["first_arrival_ms"], 20.0);
    assert_eq!(n1["arrival_hops"], 2);
    assert_eq!(n1["shortest_hops"], 1);
    // N0 at 0 hops, N2 at 1, N1 at 2 or 1; the other seven peers have no links.
    assert_eq!(
        report["arrival_hops_histogram"],
        serde_json::json!([1, 1, 1])
    );
    assert_eq!(report["shortest_hops_histogram"], serde_json::json!([1, 2]));
}
