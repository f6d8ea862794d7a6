//! Tests of the harness's static file server, over a folder of its own: content types, 404s, and no way out of the folder.

use std::path::PathBuf;

use crate::harness::{content_type, http_request, serve};

/// A served folder with one file of each kind, inside a folder with a secret beside it.
fn fixture() -> (PathBuf, String) {
    let outer = std::env::temp_dir().join(format!("gossipscope-e2e-server-{}", std::process::id()));
    let root = outer.join("site");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(outer.join("secret.txt"), "SECRET").unwrap();
    for (name, body) in [
        ("index.html", "<!doctype html><title>root</title>"),
        ("app.js", "console.log(1)"),
        ("app_bg.wasm", "\0asm"),
        ("style.css", "body{}"),
        ("logo.png", "png"),
        ("logo.svg", "<svg/>"),
        ("data.json", "{}"),
        ("sub/index.html", "<title>sub</title>"),
    ] {
        std::fs::write(root.join(name), body).unwrap();
    }
    let url = serve(&root).expect("the server starts");
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (outer, addr)
}

#[test]
fn server_gives_files_with_their_content_types_and_refuses_the_rest() {
    let (outer, addr) = fixture();
    for (target, kind) in [
        ("/", "text/html"),
        ("/index.html", "text/html"),
        ("/app.js", "application/javascript"),
        ("/app_bg.wasm", "application/wasm"),
        ("/style.css", "text/css"),
        ("/logo.png", "image/png"),
        ("/logo.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/app.js?v=2", "application/javascript"),
        ("/sub/", "text/html"),
        ("/%73tyle.css", "text/css"),
    ] {
        let (status, response) = http_request(&addr, "GET", target).unwrap();
        assert!(status.contains(" 200 "), "{target}: {status}");
        assert!(
            response.contains(&format!("Content-Type: {kind}")),
            "{target}: {response}"
        );
    }
    let (status, response) = http_request(&addr, "HEAD", "/app.js").unwrap();
    assert!(status.contains(" 200 ") && response.contains("Content-Length: 14"));
    assert!(!response.contains("console.log"), "HEAD sends no body");

    for target in ["/missing.js", "/sub/missing.html", "/index.html/x"] {
        let (status, _) = http_request(&addr, "GET", target).unwrap();
        assert!(status.contains(" 404 "), "{target}: {status}");
    }
    for target in [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%zz",
        "secret.txt",
    ] {
        let (status, response) = http_request(&addr, "GET", target).unwrap();
        assert!(
            status.contains(" 400 ") || status.contains(" 404 "),
            "{target}: {status}"
        );
        assert!(!response.contains("SECRET"), "{target} escaped the root");
    }
    let (status, _) = http_request(&addr, "POST", "/index.html").unwrap();
    assert!(status.contains(" 405 "), "POST: {status}");
    let _ = std::fs::remove_dir_all(outer);
}

#[test]
fn content_types_cover_what_trunk_builds() {
    for (name, kind) in [
        ("index.html", "text/html; charset=utf-8"),
        ("gossipscope-web-0123.js", "application/javascript"),
        ("gossipscope-web-0123_bg.wasm", "application/wasm"),
        ("style-0123.css", "text/css; charset=utf-8"),
        ("a.PNG", "image/png"),
        ("a.svg", "image/svg+xml"),
        ("a.json", "application/json"),
        ("a.bin", "application/octet-stream"),
    ] {
        assert_eq!(content_type(std::path::Path::new(name)), kind, "{name}");
    }
}
