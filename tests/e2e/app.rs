//! End-to-end flows of the interactive app (issue 3): broadcast, edits, censoring a cut vertex, undo and redo.
//!
//! They rely only on the app's test contract:
//! - buttons `broadcast`, `play`, `pause`, `step`, `reset`, `finish`,
//!   `add-peer`, `add-link` (links the two selected peers), `remove`, `undo`,
//!   `redo`, `censor`, `offline`, `regenerate`; selects `preset` and `relay`;
//!   input `seed`;
//! - stats `stat-reached`, `stat-reachable`, `stat-messages`,
//!   `stat-redundant`, `stat-t100` ("—" until every reachable peer has it),
//!   `stat-peers`, `stat-links`, each holding just its number;
//! - a peer list of elements with `data-peer-id="N"` (a click selects the
//!   peer, a shift-click adds it to the selection), `data-state`
//!   (online/offline/censoring), `data-hops` (empty until reached) and
//!   `data-cut-vertex="true"` on cut vertices;
//! - the inspector's `inspector-id`, "N3".

use std::time::Duration;

use crate::harness::{run, run_on_phone, Page, PeerEntry, PHONE_WIDTH, WAIT};

/// The preset the app opens with, and its size.
const DEFAULT_PRESET: (&str, u64) = ("bitcoin-30", 30);

/// The small hand-made preset.
const TUTORIAL: (&str, u64) = ("tutorial-6", 6);

/// Opens the app and waits until its peer list shows the whole default network.
async fn open_app(page: &Page) -> Vec<PeerEntry> {
    page.open().await;
    wait_for_network(page, DEFAULT_PRESET.1).await
}

/// Waits until the app shows a network of `peers` peers, all of them in the peer list.
async fn wait_for_network(page: &Page, peers: u64) -> Vec<PeerEntry> {
    let what = format!("a network of {peers} peers, all listed");
    page.wait_until(&what, WAIT, || async {
        let shown = page.try_number("stat-peers").await?;
        let listed = page.peers().await;
        if shown == peers && listed.len() as u64 == peers {
            Ok(listed)
        } else {
            Err(format!("stat-peers {shown}, {} listed", listed.len()))
        }
    })
    .await
}

/// Chooses a preset and waits for its network.
async fn load_preset(page: &Page, (preset, peers): (&str, u64)) -> Vec<PeerEntry> {
    page.choose("preset", preset).await;
    wait_for_network(page, peers).await
}

/// Waits until these stats equal `expected`.
async fn wait_for_stats<const N: usize>(page: &Page, ids: [&str; N], expected: [u64; N]) {
    let what = format!("{ids:?} to be {expected:?}");
    page.wait_until(&what, WAIT, || async {
        let now = page.try_stats(ids).await?;
        if now == expected {
            Ok(())
        } else {
            Err(format!("{now:?}"))
        }
    })
    .await;
}

/// The first online peer of the list that is none of `except`.
fn online_peer(peers: &[PeerEntry], except: &[u32]) -> u32 {
    peers
        .iter()
        .find(|p| p.state == "online" && !except.contains(&p.id))
        .unwrap_or_else(|| panic!("no online peer besides {except:?} in {peers:?}"))
        .id
}

/// Clicks `add-peer` and returns the new peer, which the app selects; checks that `stat-peers` grew by one.
async fn add_peer(page: &Page) -> u32 {
    let [peers_before] = page.settled_stats(["stat-peers"]).await;
    let known: Vec<u32> = page.peers().await.iter().map(|p| p.id).collect();
    page.click("add-peer").await;
    let new = page
        .wait_until("the new peer to be selected", WAIT, || async {
            match page.inspected().await {
                Some(id) if !known.contains(&id) => Ok(id),
                other => Err(format!("the inspector shows {other:?}")),
            }
        })
        .await;
    wait_for_stats(page, ["stat-peers"], [peers_before + 1]).await;
    page.peer_entry(new).await;
    new
}

/// Links the new peer `new` to one of `candidates` (selects `new`, shift-selects the other, `add-link`).
///
/// A peer behind NAT accepts no inbound link and the list does not say which
/// peers are, so this tries the online candidates in turn until `stat-links`
/// grows by one; returns the peer `new` was linked to.
async fn link_to_existing(page: &Page, new: u32, candidates: &[PeerEntry]) -> u32 {
    let [links_before] = page.settled_stats(["stat-links"]).await;
    let mut tried = Vec::new();
    for candidate in candidates
        .iter()
        .filter(|p| p.state == "online" && p.id != new)
        .take(15)
    {
        page.select_peer(new).await;
        page.shift_select_peer(candidate.id).await;
        page.click("add-link").await;
        let deadline = tokio::time::Instant::now() + Duration::from_millis(1500);
        while tokio::time::Instant::now() < deadline {
            if page.try_number("stat-links").await == Ok(links_before + 1) {
                return candidate.id;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tried.push(candidate.id);
    }
    panic!("add-link never linked N{new} to any of {tried:?} (stat-links stayed {links_before})");
}

/// Broadcasts from `source` (selected through the peer list) and runs the simulation to its end.
async fn broadcast_and_finish(page: &Page, source: u32) {
    page.select_peer(source).await;
    page.click("broadcast").await;
    page.click("finish").await;
}

/// The stats of a finished run: reached, reachable, peers, messages, redundant.
async fn final_stats(page: &Page) -> [u64; 5] {
    page.settled_stats([
        "stat-reached",
        "stat-reachable",
        "stat-peers",
        "stat-messages",
        "stat-redundant",
    ])
    .await
}

#[test]
fn app_broadcast_from_a_selected_peer_reaches_every_peer() {
    run("app-broadcast", |page| async move {
        let peers = open_app(&page).await;
        let options = page.options("preset").await;
        for preset in ["tutorial-6", "bitcoin-30", "star-20", "bitcoin-1000"] {
            assert!(
                options.iter().any(|o| o == preset),
                "no preset {preset} in {options:?}"
            );
        }
        let chosen = page.by_testid("preset").await.prop("value").await;
        assert_eq!(chosen.ok().flatten().as_deref(), Some(DEFAULT_PRESET.0));

        let source = online_peer(&peers, &[]);
        broadcast_and_finish(&page, source).await;
        page.wait_until("every peer to be reached", WAIT, || async {
            let [reached, reachable, total] = page
                .try_stats(["stat-reached", "stat-reachable", "stat-peers"])
                .await?;
            if reached == reachable && reachable == total {
                Ok(())
            } else {
                Err(format!(
                    "reached {reached}, reachable {reachable}, peers {total}"
                ))
            }
        })
        .await;
        let [reached, _, total, messages, redundant] = final_stats(&page).await;
        assert_eq!((reached, total), (DEFAULT_PRESET.1, DEFAULT_PRESET.1));
        assert!(
            messages >= reached - 1,
            "{messages} messages for {reached} peers"
        );
        let relay = page.by_testid("relay").await.prop("value").await;
        if relay.ok().flatten().as_deref() == Some("flood") {
            assert_eq!(
                redundant,
                messages - (reached - 1),
                "a flood's redundant messages"
            );
        }
        let t100 = page.text("stat-t100").await;
        assert!(
            t100.replace(',', "").parse::<f64>().is_ok(),
            "every peer reached, yet t100 is {t100:?}"
        );

        let entries = page.peers().await;
        assert_eq!(entries.len() as u64, total);
        for entry in &entries {
            let hops = entry
                .hops
                .unwrap_or_else(|| panic!("N{} has no data-hops: {entry:?}", entry.id));
            if entry.id == source {
                assert_eq!(hops, 0, "the source is 0 hops from itself");
            } else {
                assert!(hops >= 1, "N{} is {hops} hops away", entry.id);
            }
        }
    });
}

#[test]
fn app_add_peer_then_link_it_to_an_existing_peer() {
    run("app-add-link", |page| async move {
        let peers = open_app(&page).await;
        let [_, links_before] = page.settled_stats(["stat-peers", "stat-links"]).await;
        let new = add_peer(&page).await;
        let [peers_now, links_now] = page.settled_stats(["stat-peers", "stat-links"]).await;
        assert_eq!(peers_now, DEFAULT_PRESET.1 + 1);
        assert!(links_now >= links_before);
        let partner = link_to_existing(&page, new, &peers).await;
        wait_for_stats(
            &page,
            ["stat-peers", "stat-links"],
            [peers_now, links_now + 1],
        )
        .await;

        // The new peer now hears a broadcast from its partner's side of the network.
        let source = online_peer(&peers, &[partner]);
        broadcast_and_finish(&page, source).await;
        let [reached, reachable, total, ..] = final_stats(&page).await;
        assert_eq!(
            (reached, reachable),
            (total, total),
            "the new peer is linked in"
        );
        let entry = page
            .peers()
            .await
            .into_iter()
            .find(|p| p.id == new)
            .expect("the new peer is listed");
        assert!(
            entry.hops.is_some(),
            "the new peer was not reached: {entry:?}"
        );
    });
}

#[test]
fn app_censoring_a_cut_vertex_leaves_peers_unreached() {
    run("app-censor-cut-vertex", |page| async move {
        open_app(&page).await;
        let peers = load_preset(&page, TUTORIAL).await;
        // The presets are well knit: they may have no cut vertex. A new peer
        // linked to one other makes that other a cut vertex.
        let (cut, leaf) = match peers.iter().find(|p| p.cut_vertex) {
            Some(cut) => (cut.id, None),
            None => {
                let new = add_peer(&page).await;
                let partner = link_to_existing(&page, new, &peers).await;
                let cut = page
                    .wait_until("a peer marked as a cut vertex", WAIT, || async {
                        let cut = page.peers().await.into_iter().find(|p| p.cut_vertex);
                        cut.map(|p| p.id)
                            .ok_or_else(|| "no data-cut-vertex=\"true\"".to_string())
                    })
                    .await;
                assert_eq!(
                    cut, partner,
                    "N{new}'s only link makes N{partner} a cut vertex"
                );
                (cut, Some(new))
            }
        };

        page.select_peer(cut).await;
        page.click("censor").await;
        page.wait_until("the cut vertex to be censoring", WAIT, || async {
            let state = page.peer_entry(cut).await.attr("data-state").await;
            match state.map_err(|e| e.to_string())?.as_deref() {
                Some("censoring") => Ok(()),
                other => Err(format!("N{cut} has data-state {other:?}")),
            }
        })
        .await;

        let mut except = vec![cut];
        except.extend(leaf);
        let source = online_peer(&page.peers().await, &except);
        broadcast_and_finish(&page, source).await;
        let [reached, reachable, total, ..] = final_stats(&page).await;
        assert!(reached >= 1, "the source has the transaction");
        // The relay loses nothing here: it reaches every peer a relaying path leads to.
        assert_eq!(reached, reachable, "reached {reached} of {reachable}");
        assert!(
            reached < total,
            "censoring cut vertex N{cut} still let all {total} peers have it"
        );
        let entries = page.peers().await;
        let unreached: Vec<u32> = entries
            .iter()
            .filter(|p| p.hops.is_none())
            .map(|p| p.id)
            .collect();
        assert!(
            !unreached.is_empty(),
            "every entry has data-hops: {entries:?}"
        );
        assert_eq!(
            (entries.len() - unreached.len()) as u64,
            reached,
            "entries with data-hops and stat-reached disagree: {entries:?}"
        );
        if let Some(leaf) = leaf {
            assert!(
                unreached.contains(&leaf),
                "N{leaf} hangs off the censor alone"
            );
        }
    });
}

#[test]
fn app_undo_and_redo_an_added_peer() {
    run("app-undo-redo", |page| async move {
        open_app(&page).await;
        let ids = ["stat-peers", "stat-links"];
        let before = page.settled_stats(ids).await;
        let new = add_peer(&page).await;
        let after = page.settled_stats(ids).await;
        assert_eq!(after[0], before[0] + 1);

        page.click("undo").await;
        wait_for_stats(&page, ids, before).await;
        let listed = page.peers().await;
        assert!(
            listed.iter().all(|p| p.id != new),
            "N{new} is still listed after undo"
        );

        page.click("redo").await;
        wait_for_stats(&page, ids, after).await;
        page.peer_entry(new).await;
    });
}

#[test]
fn app_screenshot_mid_gossip() {
    run("app-screenshot", |page| async move {
        let peers = open_app(&page).await;
        let source = online_peer(&peers, &[]);
        page.select_peer(source).await;
        page.click("broadcast").await;
        // Broadcasting plays the clock; catch the transaction on its way.
        page.wait_until("the transaction to spread", WAIT, || async {
            match page.try_number("stat-reached").await? {
                n if n >= 2 => Ok(()),
                n => Err(format!("reached {n}")),
            }
        })
        .await;
        // Pause is disabled (or gone) once the run has ended by itself.
        page.click_if_enabled("pause").await;
        page.client
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .expect("scrolled to the top");
        page.screenshot("e2e-app")
            .await
            .expect("the screenshot is saved");
        page.click("finish").await;
        let [reached, reachable, ..] = final_stats(&page).await;
        assert_eq!(reached, reachable);
    });
}

/// Broadcasts from N3 with the B key, runs it out, and returns every peer's hop count.
async fn hops_from_n3(page: &Page) -> Vec<Option<u32>> {
    page.select_peer(3).await;
    page.press('b', false).await;
    page.wait_for(&crate::harness::testid("stat-reached"), WAIT)
        .await;
    page.click("finish").await;
    wait_for_stats(page, ["stat-reached", "stat-reachable"], [30, 30]).await;
    page.peers().await.iter().map(|p| p.hops).collect()
}

#[test]
fn app_keyboard_shortcuts_and_regenerate() {
    run("app-keyboard", |page| async move {
        open_app(&page).await;
        let seed_1 = hops_from_n3(&page).await;
        assert!(seed_1.iter().all(Option::is_some));
        // Ctrl+Z takes the broadcast back: no transaction, so no reach to show.
        page.press('z', true).await;
        page.wait_until("the statistics to show no transaction", WAIT, || async {
            match page.has_testid("stat-reached").await {
                false => Ok(()),
                true => Err("stat-reached is still shown".to_string()),
            }
        })
        .await;
        // Another seed, another network of the same size; the first seed, the first network.
        page.type_into("seed", "5").await;
        page.click("regenerate").await;
        wait_for_network(&page, 30).await;
        let seed_5 = hops_from_n3(&page).await;
        assert_ne!(seed_5, seed_1, "seed 5 gives another network");
        page.type_into("seed", "1").await;
        page.click("regenerate").await;
        wait_for_network(&page, 30).await;
        assert_eq!(
            hops_from_n3(&page).await,
            seed_1,
            "the same seed gives the same run"
        );
        // A seed that is not a number is refused with a message, and the network stays.
        let links = page.number("stat-links").await;
        page.type_into("seed", "").await;
        page.click("regenerate").await;
        let message = page.text("message").await;
        assert!(message.contains("is not a seed"), "message: {message}");
        assert_eq!(page.number("stat-links").await, links);
    });
}

/// Dispatches a mouse event of `kind` on the canvas at a point given as fractions of its size,
/// with Shift (`shift`) or Alt (`alt`) held.
async fn canvas_mouse_with(page: &Page, kind: &str, at: (f64, f64), shift: bool, alt: bool) {
    let script = r#"
        const [kind, fx, fy, shift, alt] = arguments;
        const canvas = document.querySelector('[data-testid="graph"]');
        const r = canvas.getBoundingClientRect();
        const init = { bubbles: true, clientX: r.left + fx * r.width, clientY: r.top + fy * r.height, shiftKey: shift, altKey: alt };
        canvas.dispatchEvent(new MouseEvent(kind, init));
    "#;
    let args = vec![
        kind.into(),
        at.0.into(),
        at.1.into(),
        shift.into(),
        alt.into(),
    ];
    page.client
        .execute(script, args)
        .await
        .expect("the event is dispatched");
}

/// [`canvas_mouse_with`] without Alt.
async fn canvas_mouse(page: &Page, kind: &str, at: (f64, f64), shift: bool) {
    canvas_mouse_with(page, kind, at, shift, false).await;
}

#[test]
fn app_a_line_drawn_across_the_network_cuts_the_links_it_crosses() {
    run("app-cut-line", |page| async move {
        open_app(&page).await;
        let [links] = page.settled_stats(["stat-links"]).await;
        // Alt-drag a line across the middle of the view, from edge to edge.
        canvas_mouse_with(&page, "mousedown", (0.001, 0.5), false, true).await;
        canvas_mouse_with(&page, "mousemove", (0.999, 0.5), false, true).await;
        canvas_mouse_with(&page, "mouseup", (0.999, 0.5), false, true).await;
        let [after] = page.settled_stats(["stat-links"]).await;
        assert!(after < links, "the line cut {} links", links - after);
        // The cut was one command: one undo puts every link back, and nothing is left to undo.
        page.click("undo").await;
        wait_for_stats(&page, ["stat-links"], [links]).await;
        assert!(!page.by_testid("undo").await.is_enabled().await.unwrap());
    });
}

#[test]
fn app_canvas_gestures_add_a_peer_and_cut_off_a_region() {
    run("app-gestures", |page| async move {
        open_app(&page).await;
        // A double-click on empty space (a corner of the view) adds a peer there.
        canvas_mouse(&page, "dblclick", (0.02, 0.04), false).await;
        wait_for_stats(&page, ["stat-peers"], [31]).await;
        page.click("undo").await;
        wait_for_stats(&page, ["stat-peers"], [30]).await;
        // Shift-dragging over the left half selects the peers there; Cut off partitions them.
        canvas_mouse(&page, "mousedown", (0.001, 0.001), true).await;
        canvas_mouse(&page, "mousemove", (0.5, 0.999), true).await;
        canvas_mouse(&page, "mouseup", (0.5, 0.999), true).await;
        let selected = page
            .wait_until("a region of peers to be selected", WAIT, || async {
                let listed = page.peers().await;
                let n = page.client.execute(
                    "return document.querySelectorAll('[data-peer-id][aria-pressed=\"true\"]').length;",
                    vec![],
                );
                let n = n.await.map_err(|e| e.to_string())?.as_u64().unwrap_or(0);
                if n > 0 && (n as usize) < listed.len() { Ok(n) } else { Err(format!("{n} selected")) }
            })
            .await;
        let [links] = page.settled_stats(["stat-links"]).await;
        page.click("cut").await;
        let [after] = page.settled_stats(["stat-links"]).await;
        assert!(
            after < links,
            "cutting {selected} peers off removes the links that crossed"
        );
        // A transaction from inside the region stays inside it.
        page.click("broadcast").await;
        page.click("finish").await;
        let [reached] = page.settled_stats(["stat-reached"]).await;
        assert!(
            reached <= selected,
            "{reached} reached, {selected} in the region"
        );
    });
}

#[test]
fn app_finishing_a_large_run_shows_progress_and_can_be_stopped() {
    run("app-long-work", |page| async move {
        open_app(&page).await;
        page.choose("preset", "bitcoin-10000").await;
        wait_for_stats(&page, ["stat-peers"], [10_000]).await;
        // Bitcoin's announce-request relay: hundreds of thousands of events, many frames' worth.
        page.choose("relay", "bitcoin").await;
        page.click("broadcast").await;
        // Finish, let two frames pass, read the progress line and press Stop, all in one script:
        // two slices cannot finish this run, so the line must be there.
        let script = r#"
            const done = arguments[arguments.length - 1];
            document.querySelector('[data-testid="finish"]').click();
            requestAnimationFrame(() => requestAnimationFrame(() => {
                const line = document.querySelector('[data-testid="work"]');
                const stop = document.querySelector('[data-testid="cancel-work"]');
                const text = line ? line.textContent : null;
                if (stop) { stop.click(); }
                done(text);
            }));
        "#;
        let text = page.client.execute_async(script, vec![]).await.unwrap();
        let text = text.as_str().unwrap_or_default().to_string();
        assert!(text.starts_with("Finishing the run: "), "{text:?}");
        page.wait_for_no_work("the work to stop").await;
        let [stopped_at] = page.settled_stats(["stat-reached"]).await;
        assert!(stopped_at < 10_000, "stopped part way: {stopped_at}");
        // Finish again: it goes on to the end.
        page.click("finish").await;
        page.wait_until(
            "every peer to be reached",
            Duration::from_secs(60),
            || async {
                let [reached] = page.try_stats(["stat-reached"]).await?;
                match (reached, page.has_testid("work").await) {
                    (10_000, false) => Ok(()),
                    other => Err(format!("{other:?}")),
                }
            },
        )
        .await;
    });
}

#[test]
fn app_works_from_a_sub_path_of_a_plain_static_server() {
    run("sub-path", |page| async move {
        // dist/ copied into a folder two levels down, as on a school's or a host's server.
        let outer =
            std::env::temp_dir().join(format!("gossipscope-sub-path-{}", std::process::id()));
        let inner = outer.join("class").join("gossipscope");
        std::fs::create_dir_all(&inner).unwrap();
        let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
        for entry in std::fs::read_dir(&dist).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), inner.join(entry.file_name())).unwrap();
            }
        }
        let url = crate::harness::serve(&outer).expect("the server starts");
        page.client
            .goto(&format!("{url}class/gossipscope/"))
            .await
            .unwrap();
        page.wait_for("[data-peer-id]", WAIT).await;
        let [peers] = page.settled_stats(["stat-peers"]).await;
        assert_eq!(peers, 30, "the default network opens");
        let _ = std::fs::remove_dir_all(&outer);
    });
}

/// The value of the layout select: which arrangement the page shows as chosen.
async fn arrangement(page: &Page) -> Option<String> {
    page.by_testid("arrangement")
        .await
        .prop("value")
        .await
        .unwrap()
}

#[test]
fn app_rings_by_hops_put_the_source_in_the_middle_and_the_wave_around_it() {
    run("rings", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        page.click("broadcast").await;
        page.choose("arrangement", "1").await;
        page.wait_for("canvas[data-layout=settled]", WAIT).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        page.screenshot("rings-by-hops")
            .await
            .expect("a screenshot");
        page.click("finish").await;
        page.choose("arrangement", "2").await;
        page.wait_for("canvas[data-layout=settled]", WAIT).await;
        page.screenshot("rings-by-time")
            .await
            .expect("a screenshot");
        assert_eq!(arrangement(&page).await.as_deref(), Some("2"));
    });
}

/// The whole Bitcoin network (10,000 reachable + 100,000 unreachable peers): it loads, is shown
/// in rings (the forces are refused at that size), and a Bitcoin relay from N0 reaches every peer.
#[test]
fn app_shows_the_whole_bitcoin_network_in_rings_and_a_relay_reaches_every_peer() {
    crate::harness::run_within(
        "bitcoin-full",
        Duration::from_secs(300),
        |page| async move {
            const PEERS: u64 = 110_000;
            let long = Duration::from_secs(120);
            page.open().await;
            page.wait_for("[data-peer-id]", WAIT).await;
            page.choose("preset", "bitcoin-full").await;
            page.wait_until("the whole network on screen", long, || async {
                let shown = page.try_number("stat-peers").await?;
                if shown == PEERS {
                    Ok(())
                } else {
                    Err(format!("stat-peers {shown}"))
                }
            })
            .await;
            // Shown in rings by hops, whatever was chosen; the forces are not on offer.
            assert_eq!(arrangement(&page).await.as_deref(), Some("1"));
            let forces = page
                .wait_for("[data-testid=arrangement] option[value='0']", WAIT)
                .await;
            assert_eq!(
                forces.attr("disabled").await.unwrap().as_deref(),
                Some("true")
            );
            // At 1x the wave takes seconds to cross the rings: slow enough to catch it mid-way.
            page.choose("speed", "3").await;
            page.click("broadcast").await;
            // Mid-wave: a third of the peers reached.
            page.wait_until("a third of the peers reached", long, || async {
                let reached = page.try_number("stat-reached").await?;
                if reached >= PEERS / 3 {
                    Ok(())
                } else {
                    Err(format!("{reached} reached"))
                }
            })
            .await;
            page.screenshot("bitcoin-full-rings-by-hops-mid-wave")
                .await
                .expect("a screenshot");
            page.click("finish").await;
            page.wait_until("the relay to end", long, || async {
                if page.has_testid("work").await || page.try_number("stat-reached").await? < PEERS {
                    Err("still relaying".to_string())
                } else {
                    Ok(())
                }
            })
            .await;
            assert_eq!(page.number("stat-reached").await, PEERS);
            // The picture before and after choosing rings by time, once the peers hold still:
            // the peers must glide from their hop rings to their arrival times.
            let picture = || page.canvas_picture();
            page.wait_for("canvas[data-layout=settled]", long).await;
            let by_hops = picture().await;
            page.choose("arrangement", "2").await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            page.wait_for("canvas[data-layout=settled]", long).await;
            assert_ne!(
                picture().await,
                by_hops,
                "rings by time look like rings by hops"
            );
            page.screenshot("bitcoin-full-rings-by-time")
                .await
                .expect("a screenshot");
        },
    );
}

/// On a phone (Chromium's emulation of a 390-pixel touch screen): the page fits the screen,
/// nothing a user needs sticks out of it, and touch works: a tap inspects a peer, taps on the
/// buttons relay a transaction to every peer, and two fingers pinch to zoom.
#[test]
fn app_on_a_phone_fits_the_screen_and_answers_touch() {
    run_on_phone("phone", |page| async move {
        open_app(&page).await;
        let screen = page
            .client
            .execute(
                r#"
                const w = document.documentElement.clientWidth;
                const outside = [...document.querySelectorAll('button, select, input, canvas, summary, [data-testid]')]
                    .filter((e) => { const r = e.getBoundingClientRect();
                                     return e.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })
                                         && r.width > 0 && (r.left < -1 || r.right > w + 1); })
                    .map((e) => e.dataset.testid || `${e.tagName} ${(e.textContent || '').trim().slice(0, 30)}`);
                const graph = document.querySelector('[data-testid=graph]').getBoundingClientRect();
                const broadcast = document.querySelector('[data-testid=broadcast]').getBoundingClientRect();
                return { width: w, touch: navigator.maxTouchPoints, outside,
                         graph: [graph.width, graph.height], button: broadcast.height };
                "#,
                vec![],
            )
            .await
            .expect("the page answers");
        assert_eq!(screen["width"], u64::from(PHONE_WIDTH), "{screen}");
        assert!(
            screen["touch"].as_u64() > Some(0),
            "a touch screen: {screen}"
        );
        assert_eq!(
            screen["outside"],
            serde_json::json!([]),
            "cut off at the edge"
        );
        let graph = |i: usize| screen["graph"][i].as_f64().unwrap_or(0.0);
        assert!(
            graph(0) >= 0.9 * f64::from(PHONE_WIDTH) && graph(1) >= 300.0,
            "the network gets the screen's width: {screen}"
        );
        assert!(
            screen["button"].as_f64() >= Some(32.0),
            "Broadcast is big enough to tap: {screen}"
        );
        page.screenshot("phone").await.expect("a screenshot");

        // In rings, N0 (the first peer, the centre with nothing selected) is in the middle
        // of the canvas: a tap there inspects it.
        page.choose("arrangement", "1").await;
        page.wait_for("canvas[data-layout=settled]", WAIT).await;
        // The peers glide to their rings within a second.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let canvas = page.by_testid("graph").await;
        page.tap_at(&canvas, (0.0, 0.0)).await;
        page.wait_inspected(0).await;

        // Taps on the buttons relay a transaction from it to every peer.
        page.tap("broadcast").await;
        page.tap("finish").await;
        page.wait_for_no_work("the relay to finish").await;
        let [reached, total] = page.settled_stats(["stat-reached", "stat-peers"]).await;
        assert_eq!((reached, total), (DEFAULT_PRESET.1, DEFAULT_PRESET.1));
        page.screenshot("phone-relayed")
            .await
            .expect("a screenshot");

        // Two fingers spread apart zoom in: the picture changes, and N0 stays in the middle.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = page.canvas_picture().await;
        page.pinch_out(&canvas, 60.0, 240.0).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_ne!(page.canvas_picture().await, before, "the pinch zoomed");
        page.screenshot("phone-zoomed").await.expect("a screenshot");
        page.tap_at(&canvas, (0.0, 0.0)).await;
        page.wait_inspected(0).await;
    });
}
