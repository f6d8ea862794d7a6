//! End-to-end checks that no work is lost (issue 4): share links, export and import, autosave, bad input.

use std::time::Duration;

use gossipscope::view::presets;

use crate::harness::{run, Page, WAIT};

/// Waits until the page shows a network of `peers` peers and `links` links (any links if `None`).
async fn wait_for_size(page: &Page, peers: u64, links: Option<u64>) {
    let what = format!("a network of {peers} peers and {links:?} links");
    page.wait_until(&what, WAIT, || async {
        let [p, l] = page.try_stats(["stat-peers", "stat-links"]).await?;
        if p == peers && links.is_none_or(|links| l == links) {
            Ok(())
        } else {
            Err(format!("{p} peers, {l} links"))
        }
    })
    .await;
}

/// Opens the app on the default network and adds one peer, so its state differs from any preset.
async fn open_and_add_a_peer(page: &Page) -> [u64; 2] {
    page.open().await;
    wait_for_size(page, 30, None).await;
    page.click("add-peer").await;
    wait_for_size(page, 31, None).await;
    page.settled_stats(["stat-peers", "stat-links"]).await
}

/// Clears the browser's saved state, so only a link or a file can bring a network back.
async fn forget_autosave(page: &Page) {
    page.client
        .execute("localStorage.clear();", vec![])
        .await
        .expect("storage cleared");
}

/// The file the app offers for download when `testid` is clicked: its name and text.
async fn downloaded(page: &Page, testid: &str) -> (String, String) {
    let capture = r#"
        const done = arguments[arguments.length - 1];
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
            HTMLAnchorElement.prototype.click = click;
            fetch(this.href).then((r) => r.text()).then((text) => done([this.download, text]));
        };
        document.querySelector(`[data-testid="${arguments[0]}"]`).click();
    "#;
    let result = page
        .client
        .execute_async(capture, vec![testid.into()])
        .await
        .expect("a download");
    let name = result[0].as_str().expect("a file name").to_string();
    let text = result[1].as_str().expect("the file's text").to_string();
    (name, text)
}

/// Chooses a local file in the scenario import field.
async fn import_file(page: &Page, name: &str, contents: &str) {
    let dir = std::env::temp_dir().join(format!("gossipscope-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("the file is written");
    let input = page.by_testid("import-json").await;
    input
        .send_keys(&path.to_string_lossy())
        .await
        .expect("the file is chosen");
}

#[test]
fn share_link_round_trip_reproduces_the_network() {
    run("share-link", |page| async move {
        let before = open_and_add_a_peer(&page).await;
        page.click("share").await;
        let link = page
            .by_testid("share-link")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(link.contains("#s="), "the link holds the scenario: {link}");
        forget_autosave(&page).await;
        page.client.goto("about:blank").await.unwrap();
        page.client.goto(&link).await.unwrap();
        wait_for_size(&page, before[0], Some(before[1])).await;
    });
}

#[test]
fn a_reload_brings_the_network_back() {
    run("autosave", |page| async move {
        let before = open_and_add_a_peer(&page).await;
        page.client.refresh().await.unwrap();
        wait_for_size(&page, before[0], Some(before[1])).await;
    });
}

#[test]
fn export_then_import_gives_the_same_network() {
    run("export-import", |page| async move {
        let before = open_and_add_a_peer(&page).await;
        let (name, json) = downloaded(&page, "export-json").await;
        assert_eq!(name, "gossipscope-scenario.json");
        assert!(json.contains("\"format\": \"gossipscope/1\""));
        // Somewhere else: another network, then the file.
        page.choose("preset", "tutorial-6").await;
        wait_for_size(&page, 6, None).await;
        import_file(&page, "exported.json", &json).await;
        wait_for_size(&page, before[0], Some(before[1])).await;
        // The CSV export has a header and a row per peer.
        let (_, csv) = downloaded(&page, "export-csv").await;
        assert!(csv.starts_with("id,first_arrival_ms,hops,parent"));
        let (_, svg) = downloaded(&page, "export-svg").await;
        assert_eq!(svg.matches("<circle").count() as u64, before[0]);
    });
}

#[test]
fn bad_links_and_files_are_refused_and_change_nothing() {
    run("bad-input", |page| async move {
        // A damaged link: the app says so and opens its default network.
        page.client
            .goto(&format!("{}#s=not-a-scenario", page.base))
            .await
            .unwrap();
        let message = page.text("message").await;
        assert!(
            message.contains("could not be opened"),
            "message: {message}"
        );
        wait_for_size(&page, 30, None).await;
        // A file that is not a scenario, and one that is too large: refused, network kept.
        let [peers, links] = page.settled_stats(["stat-peers", "stat-links"]).await;
        import_file(
            &page,
            "broken.json",
            "{\"format\": \"gossipscope/1\", \"seed\": \"one\"}",
        )
        .await;
        let message = page.text("message").await;
        let named =
            message.contains("broken.json was not loaded") && message.contains("line 1 column");
        assert!(
            named,
            "the message names the file and where it is wrong: {message}"
        );
        let mut huge = presets::scenario("bitcoin-30", 1).expect("a preset");
        if let Some(spec) = &mut huge.generator {
            spec.topology = gossipscope::sim::generate::Topology::bitcoin(300_000);
        }
        import_file(&page, "huge.json", &huge.to_json()).await;
        page.wait_until("the size to be refused", WAIT, || async {
            let message = page.text("message").await;
            if message.contains("300000 peers") {
                Ok(())
            } else {
                Err(message)
            }
        })
        .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            page.settled_stats(["stat-peers", "stat-links"]).await,
            [peers, links]
        );
    });
}
