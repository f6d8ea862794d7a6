//! Repository rules, checked over the source tree (in the manner of rust-analyzer's tidy tests).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_rust_file_starts_with_a_module_doc_comment() {
    let mut checked = 0;
    let mut missing = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for file in rust_files(&root().join(dir)) {
            checked += 1;
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.lines().next().is_some_and(|l| l.starts_with("//!")) {
                missing.push(relative(&file));
            }
        }
    }
    assert!(
        checked > 20,
        "found only {checked} files: is the walk right?"
    );
    assert!(
        missing.is_empty(),
        "files whose first line is not a `//!` comment: {missing:?}"
    );
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `line` mentions `token` as a whole word (so `Instant` is not found in `Instantly`).
fn mentions(line: &str, token: &str) -> bool {
    line.match_indices(token).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + token.len()..].chars().next();
        let starts_clean = before.is_none_or(|c| !is_ident(c));
        let ends_clean = !token.ends_with(is_ident) || after.is_none_or(|c| !is_ident(c));
        starts_clean && ends_clean
    })
}

/// What the core must never mention, and why.
const FORBIDDEN_IN_CORE: &[(&str, &str)] = &[
    ("web_sys", "a web crate"),
    ("js_sys", "a web crate"),
    ("wasm_bindgen", "a web crate"),
    ("yew", "a web crate"),
    ("gloo", "a web crate"),
    ("Instant", "a clock"),
    ("SystemTime", "a clock"),
    ("std::time", "a clock"),
    ("thread_rng", "ambient randomness"),
    ("rand::rng()", "ambient randomness"),
    ("from_entropy", "ambient randomness"),
    ("from_os_rng", "ambient randomness"),
    ("getrandom", "ambient randomness"),
    ("OsRng", "ambient randomness"),
    ("HashMap", "iteration order that could reach results"),
    ("HashSet", "iteration order that could reach results"),
    ("std::fs", "I/O"),
    ("std::net", "I/O"),
    ("println!", "I/O"),
    ("eprintln!", "I/O"),
];

#[test]
fn the_core_has_no_web_crates_clocks_ambient_randomness_hash_order_or_io() {
    let mut files = rust_files(&root().join("src/sim"));
    assert!(files.len() >= 10, "found only {} core files", files.len());
    files.push(root().join("src/sim.rs"));
    files.extend(rust_files(&root().join("src/view")));
    files.push(root().join("src/view.rs"));
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (token, what) in FORBIDDEN_IN_CORE {
                if mentions(line, token) {
                    found.push(format!("{}:{}: {token} ({what})", relative(file), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the core must stay pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_word_check_finds_words_and_only_words() {
    assert!(mentions("use std::time::Instant;", "std::time"));
    assert!(mentions("use std::time::Instant;", "Instant"));
    assert!(mentions("let m: HashMap<u32, u32>", "HashMap"));
    assert!(mentions("    println!(\"x\")", "println!"));
    assert!(!mentions("    eprintln!(\"x\")", "println!"));
    assert!(!mentions("the change is instant; Instantly", "Instant"));
    assert!(!mentions("a gloomy day", "gloo"));
}

#[test]
fn every_test_module_is_compiled() {
    // A file in tests/it/ without a `mod` line in main.rs would silently never run.
    let main = std::fs::read_to_string(root().join("tests/it/main.rs")).unwrap();
    for file in rust_files(&root().join("tests/it")) {
        let name = file.file_stem().unwrap().to_str().unwrap();
        if name == "main" {
            continue;
        }
        assert!(
            main.lines().any(|l| l.trim() == format!("mod {name};")),
            "tests/it/{name}.rs has no `mod {name};` in tests/it/main.rs"
        );
    }
}

#[test]
fn the_readme_and_architecture_notes_exist_and_the_readme_says_how_to_test() {
    let readme = std::fs::read_to_string(root().join("README.md"));
    assert!(readme.is_ok(), "README.md is missing");
    assert!(
        root().join("ARCHITECTURE.md").is_file(),
        "ARCHITECTURE.md is missing"
    );
    let readme = readme.unwrap();
    // The test command: `cargo test` itself, or a script the README names that runs it.
    let script = root().join("scripts/test");
    let via_script = readme.contains("scripts/test")
        && std::fs::read_to_string(&script)
            .is_ok_and(|s| s.lines().any(|l| mentions(l, "cargo test")));
    assert!(
        readme.contains("cargo test") || via_script,
        "README.md should give the test command (`cargo test`, or scripts/test that runs it)"
    );
}
