//! End-to-end checks that no work is lost (issue 4): share links, export and import, autosave, bad input.

use std::time::Duration;

use gossipscope::view::{presets, saves};

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
        // A generated network with an edit travels as its generator and the edit: short
        // enough for a chat message and a QR code, which the panel shows.
        assert!(link.len() < 2_000, "{} characters", link.len());
        assert!(page.has_testid("share-qr").await, "the link as a QR code");
        let squares: i64 = page
            .client
            .execute(
                "const svg = document.querySelector('[data-testid=share-qr] svg');
                 return svg ? svg.getBoundingClientRect().width : 0;",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap_or(0.0) as i64;
        assert!(
            squares >= 200,
            "the QR code is drawn large enough to scan: {squares} px"
        );
        page.screenshot("share-qr").await.expect("a screenshot");
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
        // An autosave of an earlier version, deflated like a link, opens too.
        let tutorial = presets::scenario("tutorial-6", 1).expect("a preset");
        page.client
            .execute(
                "localStorage.setItem(arguments[0], arguments[1]);",
                vec![
                    saves::AUTOSAVE_KEY.into(),
                    gossipscope::view::share::encode(&tutorial).into(),
                ],
            )
            .await
            .unwrap();
        page.client.refresh().await.unwrap();
        wait_for_size(&page, 6, None).await;
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
        assert!(csv.starts_with("id,first_arrival_ms,arrival_hops,shortest_hops,parent"));
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
        // A link that inflates to 40 MB (40 KB in the address): refused where inflating stops.
        let bomb = gossipscope::view::share::fragment_of(&miniz_oxide::deflate::compress_to_vec(
            &vec![b' '; 40 << 20],
            9,
        ));
        page.client
            .goto(&format!("{}#{bomb}", page.base))
            .await
            .unwrap();
        page.wait_for_message("larger than").await;
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
        page.wait_for_message("300000 peers").await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            page.settled_stats(["stat-peers", "stat-links"]).await,
            [peers, links]
        );
    });
}

/// The address the page shows now.
async fn address(page: &Page) -> String {
    page.client.current_url().await.expect("a URL").to_string()
}

/// What the browser keeps under `key` (`None` if nothing).
async fn stored(page: &Page, key: &str) -> Option<String> {
    let value = page
        .client
        .execute(
            "return localStorage.getItem(arguments[0]);",
            vec![key.into()],
        )
        .await
        .expect("localStorage is readable");
    value.as_str().map(str::to_string)
}

/// A link to the app holding `scenario`.
fn link_to(page: &Page, scenario: &gossipscope::sim::scenario::Scenario) -> String {
    format!(
        "{}#{}",
        page.base,
        gossipscope::view::share::encode(scenario)
    )
}

#[test]
fn a_crashing_link_shows_the_message_and_a_reload_is_safe() {
    run("crash", |page| async move {
        // The crash handler's own test link makes the app panic while it opens.
        page.client
            .goto(&format!("{}#{}", page.base, saves::CRASH_TEST_FRAGMENT))
            .await
            .unwrap();
        let crash = page.by_testid("crash").await;
        let text = crash.text().await.unwrap();
        assert!(text.contains("gossipscope stopped"), "{text}");
        assert!(text.contains("reloading is safe"), "{text}");
        let url = address(&page).await;
        assert!(!url.contains('#'), "the link left the address bar: {url}");
        page.screenshot("crash").await.expect("a screenshot");
        // The reload the message offers opens the app as usual.
        page.click("crash-reload").await;
        wait_for_size(&page, 30, None).await;
        assert!(!page.has_testid("crash").await);
    });
}

#[test]
fn a_link_keeps_the_previous_network_and_one_click_brings_it_back() {
    run("restore-previous", |page| async move {
        let mine = open_and_add_a_peer(&page).await;
        let tutorial = presets::scenario("tutorial-6", 1).expect("a preset");
        // Opened in a fresh page load: the autosave becomes the previous network.
        page.client.goto("about:blank").await.unwrap();
        page.client.goto(&link_to(&page, &tutorial)).await.unwrap();
        wait_for_size(&page, 6, None).await;
        assert!(
            !address(&page).await.contains("#s="),
            "the link leaves the address bar"
        );
        page.by_testid("restore-previous").await;
        page.screenshot("restore-previous")
            .await
            .expect("a screenshot");
        page.click("restore-previous").await;
        wait_for_size(&page, mine[0], Some(mine[1])).await;
        // The swap goes both ways: the link's network is now the previous one.
        page.click("restore-previous").await;
        wait_for_size(&page, 6, None).await;
        page.click("restore-previous").await;
        wait_for_size(&page, mine[0], Some(mine[1])).await;
        // Pasted into the open tab while there is work on screen: the page asks first.
        page.click("add-peer").await;
        wait_for_size(&page, mine[0] + 1, None).await;
        page.client.goto(&link_to(&page, &tutorial)).await.unwrap();
        page.by_testid("link-waiting").await;
        page.screenshot("link-waiting").await.expect("a screenshot");
        page.click("keep-mine").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(page.number("stat-peers").await, mine[0] + 1, "kept");
        assert!(!page.has_testid("link-waiting").await);
        page.client.goto(&link_to(&page, &tutorial)).await.unwrap();
        page.click("open-link").await;
        wait_for_size(&page, 6, None).await;
        page.click("restore-previous").await;
        wait_for_size(&page, mine[0] + 1, None).await;
    });
}

#[test]
fn a_damaged_autosave_is_set_aside_not_overwritten() {
    run("damaged-autosave", |page| async move {
        page.open().await;
        wait_for_size(&page, 30, None).await;
        page.client
            .execute(
                "localStorage.setItem(arguments[0], 's=damaged');",
                vec![saves::AUTOSAVE_KEY.into()],
            )
            .await
            .unwrap();
        page.client.refresh().await.unwrap();
        let message = page.text("message").await;
        assert!(message.contains("set aside"), "{message}");
        wait_for_size(&page, 30, None).await;
        assert_eq!(
            stored(&page, saves::SET_ASIDE_KEY).await.as_deref(),
            Some("s=damaged")
        );
        // Work goes on and is saved again; what was set aside stays.
        page.click("add-peer").await;
        wait_for_size(&page, 31, None).await;
        let autosave = stored(&page, saves::AUTOSAVE_KEY).await.unwrap_or_default();
        assert!(
            autosave.starts_with("{\"format\":\"gossipscope/1\""),
            "the autosave is the scenario's JSON: {autosave}"
        );
        assert_eq!(
            stored(&page, saves::SET_ASIDE_KEY).await.as_deref(),
            Some("s=damaged")
        );
        // A browser that refuses to store (a full quota) is said so, not swallowed.
        page.client
            .execute(
                "Storage.prototype.setItem = function () { \
                   throw new DOMException('the quota is full', 'QuotaExceededError'); };",
                vec![],
            )
            .await
            .unwrap();
        page.click("add-peer").await;
        wait_for_size(&page, 32, None).await;
        let message = page.text("message").await;
        assert!(
            message.contains("would not save") && message.contains("QuotaExceededError"),
            "{message}"
        );
    });
}

/// A scenario read from JSON text (the crafted links are written the way a stranger would).
fn crafted(json: &str) -> gossipscope::sim::scenario::Scenario {
    serde_json::from_str(json).expect("the crafted scenario parses (it is refused later)")
}

#[test]
fn crafted_links_are_refused_with_the_reason_and_the_tab_stays_alive() {
    let timeline = |n: usize| {
        let entries: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"at_ms":{i},"action":"broadcast","peer":{}}}"#, i % 30))
            .collect();
        entries.join(",")
    };
    let hub_links: Vec<String> = (1..=200_000)
        .map(|i| format!(r#"{{"from":{i},"to":0,"latency_ms":1}}"#))
        .collect();
    let hub_peers: Vec<String> = (0..=200_000).map(|i| format!(r#"{{"id":{i}}}"#)).collect();
    let cases = [
        (
            r#"{"format":"gossipscope/1","seed":1,"peers":[{"id":4294967294}]}"#.to_string(),
            "peers[0].id",
        ),
        (
            r#"{"format":"gossipscope/1","seed":1,"peers":[{"id":0}],"next_peer_id":4294967295}"#
                .to_string(),
            "next_peer_id",
        ),
        (
            r#"{"format":"gossipscope/1","seed":1,"peers":[{"id":0},{"id":1999999}]}"#.to_string(),
            "peer ids up to 1999999",
        ),
        (
            format!(
                r#"{{"format":"gossipscope/1","seed":1,"generator":{{"topology":"bitcoin","peers":30}},"timeline":[{}]}}"#,
                timeline(2000)
            ),
            "2000 transactions",
        ),
        (
            r#"{"format":"gossipscope/1","seed":1,"generator":{"topology":"small-world","peers":200000,"k":100}}"#
                .to_string(),
            "small-world",
        ),
        (
            format!(
                r#"{{"format":"gossipscope/1","seed":1,"limits":{{"max_outbound":8,"max_inbound":200000,"max_total":200008}},"peers":[{}],"links":[{}]}}"#,
                hub_peers.join(","),
                hub_links.join(",")
            ),
            "200001 peers",
        ),
    ];
    run("crafted-links", move |page| async move {
        page.open().await;
        wait_for_size(&page, 30, None).await;
        for (json, named) in cases {
            let link = link_to(&page, &crafted(&json));
            page.client.goto("about:blank").await.unwrap();
            page.client.goto(&link).await.unwrap();
            page.wait_until(
                &format!("the link to be refused naming {named}"),
                WAIT,
                || async {
                    let message = page.text("message").await;
                    if message.contains("could not be opened") && message.contains(named) {
                        Ok(())
                    } else {
                        Err(message)
                    }
                },
            )
            .await;
            // The tab is alive and shows the network it had; the link left the address bar.
            wait_for_size(&page, 30, None).await;
            assert!(!address(&page).await.contains("#s="));
            assert!(!page.has_testid("crash").await, "no crash for {named}");
        }
    });
}
