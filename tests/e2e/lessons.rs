//! End-to-end: every lesson's "Do it" path in the real app, and lesson 3's outcome peer by peer.

use std::time::Duration;

use gossipscope::view::lessons::{self, CATALOGUE};

use crate::harness::{run, Page, WAIT};

/// Opens a lesson from the Lessons menu and waits for its narration.
async fn open_lesson(page: &Page, id: &str) {
    page.choose("lessons", id).await;
    let title = lessons::lesson(id).expect("a lesson").title;
    page.wait_until(&format!("lesson {id}'s narration"), WAIT, || async {
        // The heading is shown in capitals: compare without case.
        let text = page.text("lesson").await;
        if text.to_lowercase().contains(&title.to_lowercase()) {
            Ok(())
        } else {
            Err(text)
        }
    })
    .await;
}

/// The message the app shows now, if any.
async fn message(page: &Page) -> Option<String> {
    match page.has_testid("message").await {
        true => Some(page.text("message").await),
        false => None,
    }
}

/// Presses "Do it" on step `n` (from 1) and waits for the page to take it in.
async fn do_step(page: &Page, n: usize) {
    page.click(&format!("do-step-{n}")).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
}

#[test]
fn every_lesson_opens_and_every_do_it_works() {
    run("lessons-do-it", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        for info in CATALOGUE {
            let lesson = lessons::lesson(info.id).expect("the lesson exists");
            open_lesson(&page, info.id).await;
            assert_eq!(
                message(&page).await,
                None,
                "lesson {} opens cleanly",
                info.id
            );
            for (i, step) in lesson.steps.iter().enumerate() {
                do_step(&page, i + 1).await;
                // A refusal is part of a step only where its text quotes it.
                if let Some(message) = message(&page).await {
                    assert!(
                        step.result.contains(&message),
                        "lesson {} step {}: unexpected message {message:?} for {:?}",
                        info.id,
                        i + 1,
                        step.result
                    );
                }
            }
        }
    });
}

#[test]
fn lesson_3_censoring_the_cut_vertex_leaves_exactly_the_peers_behind_it() {
    run("lesson-3", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        open_lesson(&page, "block-one-node").await;
        // Steps 1 and 2: censor an ordinary peer and broadcast: everyone hears of it.
        do_step(&page, 1).await;
        do_step(&page, 2).await;
        let [reached, peers] = page.settled_stats(["stat-reached", "stat-peers"]).await;
        assert_eq!(reached, peers, "censoring an ordinary peer changes nothing");
        // Steps 3 and 4: censor the cut vertex N8 instead (the highlight comes on), broadcast again.
        do_step(&page, 3).await;
        do_step(&page, 4).await;
        page.settled_stats(["stat-reached"]).await;
        let listed = page.peers().await;
        let cut: Vec<u32> = listed
            .iter()
            .filter(|p| p.cut_vertex)
            .map(|p| p.id)
            .collect();
        assert_eq!(cut, vec![8], "N8 is the single point of failure");
        let unreached: Vec<u32> = listed
            .iter()
            .filter(|p| p.hops.is_none())
            .map(|p| p.id)
            .collect();
        assert_eq!(
            unreached,
            (9..=17).collect::<Vec<u32>>(),
            "exactly the peers behind N8: the far group and the newcomer"
        );
        assert_eq!(
            page.by_testid("highlight")
                .await
                .prop("checked")
                .await
                .unwrap()
                .as_deref(),
            Some("true"),
            "step 3 turned on \"Show single points of failure\""
        );
        let censor = listed.iter().find(|p| p.id == 8).expect("N8 is listed");
        assert_eq!(censor.state, "censoring");
        // The inspector says why N9 never heard of it, naming the peer in the way.
        page.select_peer(9).await;
        assert_eq!(
            page.text("why").await,
            "Every online path from N0 to N9 passes through N8, which is censoring."
        );
        // Stop N8 censoring now: the explanation still tells what happened, and says so.
        page.select_peer(8).await;
        page.click("censor").await;
        page.select_peer(9).await;
        assert_eq!(
            page.text("why").await,
            "Every online path from N0 to N9 passes through N8, which is censoring. (So it was \
             when the transaction passed; the network has changed since.)"
        );
    });
}

/// What the page shows once the run has ended: its statistics and every listed peer.
async fn shown(page: &Page) -> (Vec<u64>, Vec<crate::harness::PeerEntry>) {
    // Long work (finishing a large run, a peer joining) ends first: Finish would cut it short.
    page.wait_until("long work to end", WAIT, || async {
        match page.has_testid("work").await {
            false => Ok(()),
            true => Err(page.text("work").await),
        }
    })
    .await;
    page.click("finish").await;
    let stats = if page.has_testid("stat-reached").await {
        page.settled_stats(["stat-peers", "stat-links", "stat-reached", "stat-messages"])
            .await
            .to_vec()
    } else {
        page.settled_stats(["stat-peers", "stat-links"])
            .await
            .to_vec()
    };
    (stats, page.peers().await)
}

/// Opens the lesson afresh, presses these steps' "Do it" in turn, and reads what is shown.
async fn after_pressing(
    page: &Page,
    id: &str,
    presses: &[usize],
) -> (Vec<u64>, Vec<crate::harness::PeerEntry>) {
    page.choose("lessons", "").await;
    open_lesson(page, id).await;
    for &n in presses {
        do_step(page, n).await;
    }
    shown(page).await
}

#[test]
fn every_do_it_pressed_twice_or_out_of_order_ends_as_the_steps_in_order() {
    run("lessons-twice", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        for info in CATALOGUE {
            let len = lessons::lesson(info.id).expect("a lesson").steps.len();
            let once: Vec<usize> = (1..=len).collect();
            let twice: Vec<usize> = once.iter().flat_map(|&n| [n, n]).collect();
            let in_order = after_pressing(&page, info.id, &once).await;
            assert_eq!(
                after_pressing(&page, info.id, &twice).await,
                in_order,
                "lesson {}: every Do it twice",
                info.id
            );
            assert_eq!(
                after_pressing(&page, info.id, &[len, 1, 3, 2]).await,
                after_pressing(&page, info.id, &[1, 2]).await,
                "lesson {}: steps out of order",
                info.id
            );
        }
    });
}

#[test]
fn a_step_asks_first_shows_its_result_after_and_the_buttons_move_between_steps() {
    run("lessons-predict", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        open_lesson(&page, "block-one-node").await;
        let lesson = lessons::lesson("block-one-node").expect("a lesson");
        assert_eq!(
            page.text("lesson-progress").await,
            format!("Step 1 of {}", lesson.steps.len())
        );
        assert!(page
            .text("step-1")
            .await
            .contains(&lesson.steps[0].question));
        assert!(
            !page.has_testid("result-1").await,
            "no answer before the class predicts"
        );
        page.click("lesson-next").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(page.text("result-1").await, lesson.steps[0].result);
        page.click("lesson-next").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            page.text("lesson-progress").await,
            format!("Step 3 of {}", lesson.steps.len())
        );
        let [reached, peers] = page.settled_stats(["stat-reached", "stat-peers"]).await;
        assert_eq!(reached, peers, "step 2: everyone has it");
        page.click("lesson-back").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            page.text("lesson-progress").await,
            format!("Step 2 of {}", lesson.steps.len())
        );
        assert!(!page.has_testid("result-2").await);
        assert!(
            !page.has_testid("stat-reached").await,
            "back before the broadcast"
        );
        page.click("lesson-restart").await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(!page.has_testid("result-1").await);
        let censoring = page
            .peers()
            .await
            .into_iter()
            .filter(|p| p.state == "censoring")
            .count();
        assert_eq!(censoring, 0, "restart: the lesson's network as it opens");
    });
}

#[test]
fn a_joining_peer_asks_the_seeds_then_links_one_by_one() {
    run("join", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        let [links] = page.settled_stats(["stat-links"]).await;
        page.click("join-peer").await;
        let status = page.text("work").await;
        assert!(status.contains("DNS seeds"), "{status}");
        // Not all at once: the first link comes a step later, the rest one by one.
        let [now] = page.settled_stats(["stat-links"]).await;
        assert!(now < links + 8, "{now} links straight away, from {links}");
        page.wait_until("the join to end", WAIT, || async {
            match page.has_testid("work").await {
                false => Ok(()),
                true => Err(page.text("work").await),
            }
        })
        .await;
        let [after] = page.settled_stats(["stat-links"]).await;
        assert!(after > now, "links were made: {now} then {after}");
    });
}
