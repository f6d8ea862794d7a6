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
                        step.text.contains(&message),
                        "lesson {} step {}: unexpected message {message:?} for {:?}",
                        info.id,
                        i + 1,
                        step.text
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
        // Steps 3 and 4: censor the cut vertex N8 instead, broadcast again.
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
            (9..=16).collect::<Vec<u32>>(),
            "exactly the peers behind N8"
        );
        let censor = listed.iter().find(|p| p.id == 8).expect("N8 is listed");
        assert_eq!(censor.state, "censoring");
        // The inspector says why N9 never heard of it, naming the peer in the way.
        page.select_peer(9).await;
        assert_eq!(
            page.text("why").await,
            "Every path from N0 to N9 passes through N8, which is censoring."
        );
    });
}
