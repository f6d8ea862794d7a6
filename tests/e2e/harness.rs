//! The end-to-end harness: builds dist/ when it is stale, serves it, runs chromedriver, and drives one headless Chromium per test.
//!
//! Everything a test binary needs is shared and made once: the build and the
//! static file server (a [`OnceLock`]), and chromedriver (started when the
//! first test needs it and killed when the last running test lets go of it,
//! see [`Driver`]). Each test gets its own browser session with a fresh
//! profile directory, through [`run`].

use std::future::Future;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant, SystemTime};

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, TouchActions,
    MOUSE_BUTTON_LEFT,
};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// The repository root.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// How long a wait for something on the page lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// How long one test may take in all before it fails.
const TEST_TIMEOUT: Duration = Duration::from_secs(180);

/// What the built app is made from: any of these newer than dist/index.html means dist/ is stale.
const BUILD_INPUTS: &[&str] = &[
    "src",
    "index.html",
    "static",
    "Cargo.toml",
    "Cargo.lock",
    "Trunk.toml",
];

/// Chromium's switches: headless, and none of the services that would try to reach the network.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
];

fn root() -> &'static Path {
    Path::new(ROOT)
}

// ---------------------------------------------------------------------------
// Building dist/
// ---------------------------------------------------------------------------

/// The newest modification time of `path` and of everything under it.
fn newest(path: &Path) -> Option<(SystemTime, PathBuf)> {
    let meta = std::fs::metadata(path).ok()?;
    let mut best = meta.modified().ok().map(|t| (t, path.to_path_buf()));
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).ok()?.flatten() {
            if let Some(found) = newest(&entry.path()) {
                if best.as_ref().is_none_or(|(t, _)| found.0 > *t) {
                    best = Some(found);
                }
            }
        }
    }
    best
}

/// Why dist/ must be built again, or `None` when it is up to date.
fn stale_reason(root: &Path) -> Option<String> {
    let index = root.join("dist/index.html");
    let Some(built) = std::fs::metadata(&index).and_then(|m| m.modified()).ok() else {
        return Some("dist/index.html is missing".to_string());
    };
    BUILD_INPUTS
        .iter()
        .filter_map(|input| newest(&root.join(input)))
        .filter(|(time, _)| *time > built)
        .max_by_key(|(time, _)| *time)
        .map(|(_, path)| {
            let shown = path.strip_prefix(root).unwrap_or(&path).display();
            format!("{shown} is newer than dist/index.html")
        })
}

/// Cargo's directory of installed tools (where `cargo install` put Trunk).
fn cargo_bin() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    Some(home.join("bin"))
}

/// Trunk: `$TRUNK`, else `trunk` on PATH, else the one `cargo install` put in Cargo's bin directory.
fn find_trunk() -> Option<PathBuf> {
    if let Some(trunk) = std::env::var_os("TRUNK") {
        return Some(PathBuf::from(trunk));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(cargo_bin())
        .map(|dir| dir.join("trunk"))
        .find(|candidate| candidate.is_file())
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs `trunk build --release --offline` in the repository.
fn build(root: &Path, why: &str) -> Result<(), String> {
    const HINT: &str = "run scripts/serve or scripts/test once to install trunk and wasm-opt";
    let trunk = find_trunk()
        .ok_or_else(|| format!("dist/ needs a build ({why}), but trunk was not found: {HINT}"))?;
    // Trunk runs the wasm-bindgen CLI, which `cargo install` also put in Cargo's bin directory,
    // and wasm-opt, which scripts/setup put in tools/ (from npm).
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = vec![root.join("tools/node_modules/.bin")];
    dirs.extend(std::env::split_paths(&path));
    dirs.extend(cargo_bin());
    let path = std::env::join_paths(dirs).map_err(|e| e.to_string())?;
    eprintln!("e2e: building dist/ with `trunk build --release --offline` ({why})");
    let started = Instant::now();
    let output = Command::new(&trunk)
        .args(["build", "--release", "--offline"])
        .current_dir(root)
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => {
                format!("trunk was not found at {}: {HINT}", trunk.display())
            }
            _ => format!("could not run {}: {e}", trunk.display()),
        })?;
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "`trunk build --release --offline` failed ({}); its last lines:\n{}",
            output.status,
            tail(&log, 40)
        ));
    }
    if let Some(still) = stale_reason(root) {
        return Err(format!(
            "`trunk build --release --offline` succeeded, but {still}"
        ));
    }
    eprintln!(
        "e2e: built dist/ in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The built app, served.
pub struct Site {
    /// The served root, ending in `/`: `http://127.0.0.1:PORT/`.
    pub url: String,
}

/// Builds dist/ if needed and serves it; every test of the binary shares one build and one server.
pub fn site() -> &'static Site {
    static SITE: OnceLock<Result<Site, String>> = OnceLock::new();
    let site = SITE.get_or_init(|| {
        if let Some(why) = stale_reason(root()) {
            build(root(), &why)?;
        }
        let url = serve(&root().join("dist")).map_err(|e| format!("could not serve dist/: {e}"))?;
        Ok(Site { url })
    });
    match site {
        Ok(site) => site,
        Err(message) => panic!("{message}"),
    }
}

// ---------------------------------------------------------------------------
// The static file server
// ---------------------------------------------------------------------------

/// The content type of a served file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "application/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Why a request gets no file.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// 400: a path that is not a clean one (`..`, a backslash, bad escapes).
    Bad,
    /// 404: no such file.
    Missing,
}

/// `%XX` escapes decoded; `None` when one is broken or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file under `root` (canonical) that a request target names; never anything outside `root`.
fn resolve(root: &Path, target: &str) -> Result<PathBuf, Refusal> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix('/').ok_or(Refusal::Bad)?;
    let path = percent_decode(path).ok_or(Refusal::Bad)?;
    if path.contains(['\\', '\0']) {
        return Err(Refusal::Bad);
    }
    let mut file = root.to_path_buf();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(Refusal::Bad),
            name => file.push(name),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // Canonical, so a symbolic link cannot lead out of the root either.
    let file = file.canonicalize().map_err(|_| Refusal::Missing)?;
    if !file.starts_with(root) || !file.is_file() {
        return Err(Refusal::Missing);
    }
    Ok(file)
}

/// Answers one request on `stream` with a file under `root`, and closes the connection.
fn respond(stream: TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers matter not; read them so the client sees its request consumed.
    let mut header = String::new();
    let mut total = 0;
    while reader.read_line(&mut header)? > 2 && total < 64 * 1024 {
        total += header.len();
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, kind, body) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"only GET and HEAD\n".to_vec(),
        )
    } else {
        match resolve(root, target) {
            Ok(file) => match std::fs::read(&file) {
                Ok(bytes) => ("200 OK", content_type(&file), bytes),
                Err(_) => (
                    "404 Not Found",
                    "text/plain; charset=utf-8",
                    b"not found\n".to_vec(),
                ),
            },
            Err(Refusal::Bad) => (
                "400 Bad Request",
                "text/plain; charset=utf-8",
                b"bad path\n".to_vec(),
            ),
            Err(Refusal::Missing) => (
                "404 Not Found",
                "text/plain; charset=utf-8",
                b"not found\n".to_vec(),
            ),
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}

/// Serves the files under `root` on a free port of 127.0.0.1 until the process ends; returns the base URL.
pub fn serve(root: &Path) -> io::Result<String> {
    let root = root.canonicalize()?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    std::thread::Builder::new()
        .name("e2e-http".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                // One thread a connection: the browser fetches several files at once.
                let _ = std::thread::Builder::new()
                    .name("e2e-http-conn".into())
                    .spawn(move || respond(stream, &root));
            }
        })?;
    Ok(url)
}

/// One HTTP/1.1 request to `addr` (`127.0.0.1:PORT`); returns the status line and the whole response.
///
/// The body is read as far as `Content-Length` says (chromedriver keeps the
/// connection open even when asked to close it), else to the end.
pub fn http_request(addr: &str, method: &str, target: &str) -> io::Result<(String, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<u64>().ok();
            }
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) if method != "HEAD" => reader.take(n).read_to_end(&mut body)?,
        Some(_) => 0,
        None => reader.read_to_end(&mut body)?,
    };
    let status = head.lines().next().unwrap_or("").to_string();
    Ok((status, head + &String::from_utf8_lossy(&body)))
}

// ---------------------------------------------------------------------------
// chromedriver
// ---------------------------------------------------------------------------

/// A running chromedriver; dropping it ends it and any Chromium it started.
///
/// chromedriver runs in a process group of its own, which the Chromium it
/// starts joins. A watchdog shell waits on a pipe whose write end only this
/// process holds, and when the pipe closes it ends that whole group: on drop,
/// and also when the test process dies without dropping anything (killed by
/// a timeout, or Ctrl+C, which the watchdog itself ignores).
pub struct Driver {
    /// The WebDriver endpoint, `http://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    watchdog: Option<(Child, ChildStdin)>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Closing the pipe makes the watchdog end chromedriver's group. The
        // group's id is chromedriver's pid, which cannot be reused before the
        // `wait` below reaps chromedriver.
        if let Some((mut watchdog, stdin)) = self.watchdog.take() {
            drop(stdin);
            let _ = watchdog.wait();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Driver {
    /// Starts chromedriver (`$CHROMEDRIVER`, else /usr/bin/chromedriver) on a free port and waits until it is ready.
    fn start() -> Result<Driver, String> {
        let program = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let logs = root().join("target/e2e");
        std::fs::create_dir_all(&logs)
            .map_err(|e| format!("could not create {}: {e}", logs.display()))?;
        let log_path = logs.join("chromedriver.log");
        let mut last_error = String::new();
        // A port found free can be taken before chromedriver binds it: try a few.
        for _ in 0..3 {
            let port = free_port().map_err(|e| format!("no free port: {e}"))?;
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)
                .map_err(|e| format!("could not open {}: {e}", log_path.display()))?;
            let log_err = log.try_clone().map_err(|e| e.to_string())?;
            let child = Command::new(&program)
                .arg(format!("--port={port}"))
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                .spawn()
                .map_err(|e| {
                    format!(
                        "could not start chromedriver at {}: {e} (scripts/test installs Debian's \
                         chromium-driver; or set CHROMEDRIVER to its path)",
                        program.display()
                    )
                })?;
            let watchdog = Command::new("sh")
                .args([
                    "-c",
                    "trap '' INT HUP TERM; read -r _; kill -s TERM -- \"-$0\" 2>/dev/null",
                    &child.id().to_string(),
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()
                .and_then(|mut w| {
                    let stdin = w.stdin.take()?;
                    Some((w, stdin))
                });
            let mut driver = Driver {
                url: format!("http://127.0.0.1:{port}"),
                child,
                watchdog,
            };
            match driver.wait_ready(port) {
                Ok(()) => return Ok(driver),
                Err(e) => last_error = e,
            }
        }
        Err(format!(
            "chromedriver ({}) did not start: {last_error}; see {}",
            program.display(),
            log_path.display()
        ))
    }

    /// Waits until chromedriver answers `/status` with `ready`.
    fn wait_ready(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        let addr = format!("127.0.0.1:{port}");
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited at once ({status})"));
            }
            if let Ok((status, response)) = http_request(&addr, "GET", "/status") {
                let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
                let ready = serde_json::from_str::<Value>(body)
                    .is_ok_and(|json| json["value"]["ready"] == Value::Bool(true));
                if status.contains(" 200 ") && ready {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(format!("no answer on port {port} after 15 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The running chromedriver, started if no test holds one.
    pub fn shared() -> Arc<Driver> {
        static DRIVER: Mutex<Weak<Driver>> = Mutex::new(Weak::new());
        let mut slot = DRIVER.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(driver) = slot.upgrade() {
            return driver;
        }
        let driver = Arc::new(Driver::start().unwrap_or_else(|e| panic!("{e}")));
        *slot = Arc::downgrade(&driver);
        driver
    }
}

// ---------------------------------------------------------------------------
// Browser sessions
// ---------------------------------------------------------------------------

/// A fresh Chromium profile directory, removed on drop.
struct Profile(PathBuf);

impl Profile {
    fn new(test: &str) -> io::Result<Profile> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "gossipscope-e2e-{}-{}-{nanos}-{test}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Profile(dir))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The screen a test's page is shown on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Screen {
    /// A desktop window of 1280 x 800.
    Desktop,
    /// A phone: Chromium's emulation of a 390 x 844 touch screen at three device pixels
    /// a CSS pixel, with a phone's user agent.
    Phone,
}

/// The width of [`Screen::Phone`], in CSS pixels.
pub const PHONE_WIDTH: u32 = 390;

/// The session's capabilities: headless Chromium (`$CHROMIUM`, else /usr/bin/chromium) with its own profile.
fn capabilities(profile: &Path, screen: Screen) -> serde_json::Map<String, Value> {
    let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut options = json!({ "binary": binary, "args": args });
    if screen == Screen::Phone {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": PHONE_WIDTH, "height": 844, "pixelRatio": 3.0, "touch": true },
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
        });
    }
    let caps = json!({ "goog:chromeOptions": options });
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("an object"),
    }
}

/// Runs one end-to-end test: the built app served, a browser session of its own, and `body` driving it.
///
/// The session is closed and its profile removed however `body` ends; when it
/// panics, the page is first saved to `target/screenshots/<name>-failure.png`.
pub fn run<F, Fut>(name: &'static str, body: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_within(name, TEST_TIMEOUT, body)
}

/// [`run`] with a longer time limit, for a test that must work through a large network.
pub fn run_within<F, Fut>(name: &'static str, limit: Duration, body: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_on(name, Screen::Desktop, limit, body)
}

/// [`run`] on a phone's screen ([`Screen::Phone`]).
pub fn run_on_phone<F, Fut>(name: &'static str, body: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_on(name, Screen::Phone, TEST_TIMEOUT, body)
}

/// [`run`] on `screen`, within `limit`.
fn run_on<F, Fut>(name: &'static str, screen: Screen, limit: Duration, body: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let site = site();
    let driver = Driver::shared();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let outcome = runtime.block_on(async {
        let profile = Profile::new(name).expect("a profile directory");
        let client = ClientBuilder::rustls()
            .expect("rustls with the system's roots")
            .capabilities(capabilities(&profile.0, screen))
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no browser session from chromedriver at {}: {e}",
                    driver.url
                )
            });
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(30)),
                Some(Duration::from_secs(30)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("timeouts set");
        let page = Page {
            client: client.clone(),
            base: site.url.clone(),
        };
        let task = tokio::spawn(tokio::time::timeout(limit, body(page.clone())));
        let outcome = task.await;
        let failed = !matches!(outcome, Ok(Ok(())));
        if failed {
            if let Ok(path) = page.screenshot(&format!("{name}-failure")).await {
                eprintln!("e2e: the page at the failure: {}", path.display());
            }
        }
        let _ = client.close().await;
        drop(profile);
        outcome
    });
    drop(runtime);
    drop(driver);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("{name} took longer than {limit:?}"),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("{name} did not finish: {e}"),
    }
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

/// A CSS selector for the element with this `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// A shown count ("12,345", "12 345") as a number; `None` for anything else ("—", "").
pub fn parse_count(text: &str) -> Option<u64> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// One entry of the app's peer list, read from its data attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerEntry {
    /// `data-peer-id`.
    pub id: u32,
    /// `data-state`: online, offline or censoring.
    pub state: String,
    /// `data-hops`: the hop count, `None` when missing or empty (not reached).
    pub hops: Option<u32>,
    /// `data-cut-vertex="true"`.
    pub cut_vertex: bool,
}

/// A browser session on the served app, with the helpers tests use.
#[derive(Clone)]
pub struct Page {
    /// The WebDriver session.
    pub client: Client,
    /// The served app's address.
    pub base: String,
}

impl Page {
    /// Opens the app's page.
    pub async fn open(&self) {
        self.client
            .goto(&self.base)
            .await
            .unwrap_or_else(|e| panic!("could not open {}: {e}", self.base));
    }

    /// Polls `check` until it gives a value, or fails the test after `timeout`
    /// with `what` and the last reason `check` gave for not being ready.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, timeout: Duration, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, String>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match check().await {
                Ok(value) => return value,
                Err(reason) => reason,
            };
            if Instant::now() >= deadline {
                panic!("waited {timeout:?} for {what}; last: {last}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page's message says `words` (an answer may come a moment after the
    /// action that asked for it), and returns the message.
    pub async fn wait_for_message(&self, words: &str) -> String {
        let what = format!("a message saying {words:?}");
        self.wait_until(&what, WAIT, || async {
            let message = self.text("message").await;
            if message.contains(words) {
                Ok(message)
            } else {
                Err(message)
            }
        })
        .await
    }

    /// Waits up to `timeout` for an element matching the CSS selector.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let what = format!("an element matching {css}");
        self.wait_until(&what, timeout, || async {
            self.client
                .find(Locator::Css(css))
                .await
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// The element with this `data-testid`, waiting for it as long as [`WAIT`].
    pub async fn by_testid(&self, id: &str) -> Element {
        self.wait_for(&testid(id), WAIT).await
    }

    /// Whether an element with this `data-testid` is on the page now.
    pub async fn has_testid(&self, id: &str) -> bool {
        self.client.find(Locator::Css(&testid(id))).await.is_ok()
    }

    /// Scrolls the element to the middle of the window, so a click or a pointer lands on it.
    async fn scroll_to(&self, element: &Element) {
        let arg = serde_json::to_value(element).expect("an element serialises");
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
                vec![arg],
            )
            .await
            .expect("scrollIntoView runs");
    }

    /// Clicks an element, scrolled into view.
    pub async fn click_element(&self, element: &Element, what: &str) {
        self.scroll_to(element).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("could not click {what}: {e}"));
    }

    /// Clicks the element with this `data-testid` once it is there and enabled.
    pub async fn click(&self, id: &str) {
        let what = format!("[data-testid={id}] to be there and enabled");
        let element = self
            .wait_until(&what, WAIT, || async {
                let el = self
                    .client
                    .find(Locator::Css(&testid(id)))
                    .await
                    .map_err(|e| e.to_string())?;
                match el.is_enabled().await {
                    Ok(true) => Ok(el),
                    Ok(false) => Err("it is disabled".to_string()),
                    Err(e) => Err(e.to_string()),
                }
            })
            .await;
        self.click_element(&element, &testid(id)).await;
    }

    /// Clicks the element with this `data-testid` if it is there and enabled now; says whether it did.
    pub async fn click_if_enabled(&self, id: &str) -> bool {
        let Ok(element) = self.client.find(Locator::Css(&testid(id))).await else {
            return false;
        };
        if !element.is_enabled().await.unwrap_or(false) {
            return false;
        }
        self.click_element(&element, &testid(id)).await;
        true
    }

    /// Shift-clicks an element (real key and pointer input, so the page sees `shiftKey`).
    pub async fn shift_click(&self, element: &Element) {
        self.scroll_to(element).await;
        let tick = Duration::from_millis(20);
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down {
                value: Key::Shift.into(),
            })
            .pause(tick)
            .pause(tick)
            .pause(tick)
            .then(KeyAction::Up {
                value: Key::Shift.into(),
            });
        let mouse = MouseActions::new("mouse".into())
            .pause(tick)
            .then(PointerAction::MoveToElement {
                element: element.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            })
            .pause(tick);
        self.client
            .perform_actions(fantoccini::actions::Actions::from(keys).and(mouse))
            .await
            .expect("shift-click performed");
        self.client.release_actions().await.expect("input released");
    }

    /// Touches `element` with one finger at `(dx, dy)` CSS pixels from its centre and lifts
    /// it again (real touch input: the page sees touchstart and touchend). The element is
    /// scrolled to the middle of the screen first, whole if it fits.
    pub async fn tap_at(&self, element: &Element, (dx, dy): (f64, f64)) {
        self.scroll_to(element).await;
        let finger = TouchActions::new("finger".into())
            .then(PointerAction::MoveToElement {
                element: element.clone(),
                duration: None,
                x: dx,
                y: dy,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .pause(Duration::from_millis(30))
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        self.client
            .perform_actions(finger)
            .await
            .expect("tap performed");
        self.client.release_actions().await.expect("touch released");
    }

    /// Taps the element with this `data-testid` in its middle.
    pub async fn tap(&self, id: &str) {
        let element = self.by_testid(id).await;
        self.tap_at(&element, (0.0, 0.0)).await;
    }

    /// Two fingers on `element`, `gap` CSS pixels apart across its centre, moved apart until
    /// they are `spread` apart: a pinch that zooms in.
    pub async fn pinch_out(&self, element: &Element, gap: f64, spread: f64) {
        self.scroll_to(element).await;
        let finger = |name: &str, side: f64| {
            TouchActions::new(name.into())
                .then(PointerAction::MoveToElement {
                    element: element.clone(),
                    duration: None,
                    x: side * gap / 2.0,
                    y: 0.0,
                })
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::MoveBy {
                    duration: Some(Duration::from_millis(200)),
                    x: side * (spread - gap) / 2.0,
                    y: 0.0,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                })
        };
        self.client
            .perform_actions(
                fantoccini::actions::Actions::from(finger("left", -1.0)).and(finger("right", 1.0)),
            )
            .await
            .expect("pinch performed");
        self.client.release_actions().await.expect("touch released");
    }

    /// What the canvas shows now, as a PNG data URL.
    pub async fn canvas_picture(&self) -> String {
        self.client
            .execute(
                "return document.querySelector('[data-testid=graph]').toDataURL();",
                vec![],
            )
            .await
            .expect("the canvas")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Presses and releases one key (a character, or a `Key` such as `Key::Delete`),
    /// with Control held if `control`, sent to whatever has the focus.
    pub async fn press(&self, key: impl Into<char>, control: bool) {
        let key: char = key.into();
        let control_key: char = Key::Control.into();
        let mut keys = KeyActions::new("keyboard".into());
        if control {
            keys = keys.then(KeyAction::Down { value: control_key });
        }
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        if control {
            keys = keys.then(KeyAction::Up { value: control_key });
        }
        self.client
            .perform_actions(keys)
            .await
            .expect("key pressed");
    }

    /// The text of the element with this `data-testid`, trimmed.
    pub async fn text(&self, id: &str) -> String {
        let element = self.by_testid(id).await;
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("no text in [data-testid={id}]: {e}"))
            .trim()
            .to_string()
    }

    /// The number the element with this `data-testid` shows now, or why there is none.
    pub async fn try_number(&self, id: &str) -> Result<u64, String> {
        let element = self
            .client
            .find(Locator::Css(&testid(id)))
            .await
            .map_err(|e| format!("[data-testid={id}]: {e}"))?;
        let text = element
            .text()
            .await
            .map_err(|e| format!("[data-testid={id}]: {e}"))?;
        parse_count(&text).ok_or_else(|| format!("[data-testid={id}] shows {text:?}"))
    }

    /// The number the element with this `data-testid` shows, waiting as long as [`WAIT`] for one.
    pub async fn number(&self, id: &str) -> u64 {
        let what = format!("[data-testid={id}] to show a number");
        self.wait_until(&what, WAIT, || self.try_number(id)).await
    }

    /// Types `text` into the input with this `data-testid` in place of what it held, key by key.
    pub async fn type_into(&self, id: &str, text: &str) {
        let input = self.by_testid(id).await;
        self.click_element(&input, &testid(id)).await;
        // Select everything (Ctrl+A), then type over it; Backspace empties it.
        input
            .send_keys(&(Key::Control + "a"))
            .await
            .unwrap_or_else(|e| panic!("could not select the text of [data-testid={id}]: {e}"));
        let keys = if text.is_empty() {
            char::from(Key::Backspace).to_string()
        } else {
            text.to_string()
        };
        input
            .send_keys(&keys)
            .await
            .unwrap_or_else(|e| panic!("could not type into [data-testid={id}]: {e}"));
        let what = format!("[data-testid={id}] to hold {text:?}");
        self.wait_until(&what, WAIT, || async {
            match input.prop("value").await {
                Ok(Some(value)) if value == text => Ok(()),
                Ok(value) => Err(format!("it holds {value:?}")),
                Err(e) => Err(e.to_string()),
            }
        })
        .await;
    }

    /// Chooses the option with this value in the select with this `data-testid`.
    pub async fn choose(&self, id: &str, value: &str) {
        let select = self.by_testid(id).await;
        self.scroll_to(&select).await;
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no option {value:?} in [data-testid={id}]: {e}"));
    }

    /// The values of the options of the select with this `data-testid`.
    pub async fn options(&self, id: &str) -> Vec<String> {
        let select = self.by_testid(id).await;
        let arg = serde_json::to_value(&select).expect("an element serialises");
        let values = self
            .client
            .execute(
                "return Array.from(arguments[0].options).map(o => o.value);",
                vec![arg],
            )
            .await
            .expect("the options read");
        serde_json::from_value(values).expect("a list of strings")
    }

    /// Saves a screenshot of the window to `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> io::Result<PathBuf> {
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e| io::Error::other(e.to_string()))?;
        let dir = root().join("target/screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Every entry of the peer list (elements with `data-peer-id` and `data-state`), in page order, one per peer.
    pub async fn peers(&self) -> Vec<PeerEntry> {
        let raw = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('[data-peer-id][data-state]')).map(e => [\
                     e.getAttribute('data-peer-id'), e.getAttribute('data-state'),\
                     e.getAttribute('data-hops'), e.getAttribute('data-cut-vertex')]);",
                vec![],
            )
            .await
            .expect("the peer list reads");
        let rows: Vec<[Option<String>; 4]> =
            serde_json::from_value(raw).expect("rows of four attributes");
        let mut entries: Vec<PeerEntry> = Vec::new();
        for [id, state, hops, cut] in rows {
            let id = id.unwrap_or_default();
            let id: u32 = id
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("data-peer-id={id:?} is not a peer id"));
            if entries.iter().any(|e| e.id == id) {
                continue;
            }
            let hops = hops.filter(|h| !h.trim().is_empty()).map(|h| {
                h.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("N{id} has data-hops={h:?}: not a number"))
            });
            entries.push(PeerEntry {
                id,
                state: state.unwrap_or_default(),
                hops,
                cut_vertex: cut.as_deref() == Some("true"),
            });
        }
        entries
    }

    /// The peer list entry of peer `id`.
    pub async fn peer_entry(&self, id: u32) -> Element {
        self.wait_for(&format!("[data-peer-id=\"{id}\"][data-state]"), WAIT)
            .await
    }

    /// The peer the inspector shows (`data-testid="inspector-id"`, "N3"), if any.
    pub async fn inspected(&self) -> Option<u32> {
        let element = self
            .client
            .find(Locator::Css(&testid("inspector-id")))
            .await
            .ok()?;
        let text = element.text().await.ok()?;
        let digits: String = text
            .trim()
            .trim_start_matches('N')
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }

    /// Waits until the inspector shows peer `id`.
    pub async fn wait_inspected(&self, id: u32) {
        let what = format!("the inspector to show N{id}");
        self.wait_until(&what, WAIT, || async {
            match self.inspected().await {
                Some(shown) if shown == id => Ok(()),
                other => Err(format!("it shows {other:?}")),
            }
        })
        .await;
    }

    /// Selects peer `id` alone by clicking its peer list entry, and waits for the inspector to show it.
    pub async fn select_peer(&self, id: u32) {
        let entry = self.peer_entry(id).await;
        self.click_element(&entry, &format!("the peer list entry of N{id}"))
            .await;
        self.wait_inspected(id).await;
    }

    /// Adds peer `id` to the selection with a shift-click on its peer list entry.
    pub async fn shift_select_peer(&self, id: u32) {
        let entry = self.peer_entry(id).await;
        self.shift_click(&entry).await;
    }

    /// Waits until no long work (finishing a large run, a peer joining) is shown.
    pub async fn wait_for_no_work(&self, what: &str) {
        self.wait_until(what, WAIT, || async {
            match self.has_testid("work").await {
                false => Ok(()),
                true => Err("long work under way".to_string()),
            }
        })
        .await;
    }

    /// The numbers of these stats, read together; an error names the first that shows no number.
    pub async fn try_stats<const N: usize>(&self, ids: [&str; N]) -> Result<[u64; N], String> {
        let mut values = [0; N];
        for (value, id) in values.iter_mut().zip(ids) {
            *value = self.try_number(id).await?;
        }
        Ok(values)
    }

    /// Waits until these stats show numbers that stay the same for 300 ms, and returns them.
    pub async fn settled_stats<const N: usize>(&self, ids: [&str; N]) -> [u64; N] {
        let deadline = Instant::now() + WAIT;
        let mut last: Option<([u64; N], Instant)> = None;
        loop {
            let reason = match (self.try_stats(ids).await, last) {
                (Ok(now), Some((before, since))) if before == now => {
                    if since.elapsed() >= Duration::from_millis(300) {
                        return now;
                    }
                    format!("{now:?}, unchanged for {:?}", since.elapsed())
                }
                (Ok(now), _) => {
                    last = Some((now, Instant::now()));
                    format!("{now:?}, just changed")
                }
                (Err(reason), _) => {
                    last = None;
                    reason
                }
            };
            if Instant::now() >= deadline {
                panic!("waited {WAIT:?} for {ids:?} to settle; last: {reason}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
