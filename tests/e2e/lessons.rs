//! End-to-end: every lesson's "Do it" path in the real app, and lesson 3's outcome peer by peer.

use std::time::Duration;

use gossipscope::view::lessons::{self, CATALOGUE};

use crate::harness::{run, run_within, Page, WAIT};

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
    page.wait_for_no_work("long work to end").await;
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

/// Pressing every Do it of lesson `id` twice ends as pressing each once; unless `quick`,
/// steps pressed out of order end as the steps in order up to the last one pressed.
fn twice_and_out_of_order(id: &'static str, quick: bool) {
    // Lesson 7 works through 10,000 peers a dozen times: about 100 s alone.
    let limit = Duration::from_secs(if quick { 480 } else { 180 });
    run_within(
        format!("lesson-{id}-presses").leak(),
        limit,
        move |page| async move {
            page.open().await;
            page.wait_for("[data-peer-id]", WAIT).await;
            let len = lessons::lesson(id).expect("a lesson").steps.len();
            let once: Vec<usize> = (1..=len).collect();
            let twice: Vec<usize> = once.iter().flat_map(|&n| [n, n]).collect();
            let in_order = after_pressing(&page, id, &once).await;
            if id == "bitcoin-scale" {
                // The browser's run gives the numbers the lesson quotes, measured natively.
                let messages = in_order.0[3];
                let said = &lessons::lesson(id).expect("a lesson").steps[3].result;
                let digits = messages.to_string();
                let grouped = format!(
                    "{},{}",
                    &digits[..digits.len() - 3],
                    &digits[digits.len() - 3..]
                );
                assert!(
                    said.contains(&format!("{grouped} messages")),
                    "{messages} against {said:?}"
                );
            }
            assert_eq!(
                after_pressing(&page, id, &twice).await,
                in_order,
                "lesson {id}: every Do it twice"
            );
            if !quick {
                assert_eq!(
                    after_pressing(&page, id, &[len, 1, 3, 2]).await,
                    after_pressing(&page, id, &[1, 2]).await,
                    "lesson {id}: steps out of order"
                );
            }
        },
    );
}

#[test]
fn lesson_1_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("gossip-basics", false);
}

#[test]
fn lesson_2_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("client-server-vs-p2p", false);
}

#[test]
fn lesson_3_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("block-one-node", false);
}

#[test]
fn lesson_4_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("partition", false);
}

#[test]
fn lesson_5_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("nat-peers", false);
}

#[test]
fn lesson_6_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("node-roles", false);
}

/// 10,000 peers: only the presses twice here (the native tests take the other orders).
#[test]
fn lesson_7_presses_twice_end_as_once() {
    twice_and_out_of_order("bitcoin-scale", true);
}

#[test]
fn lesson_8_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("eclipse-attack", false);
}

#[test]
fn lesson_9_presses_twice_or_out_of_order_end_as_in_order() {
    twice_and_out_of_order("relay-policies", false);
}

#[test]
fn a_step_asks_first_shows_its_result_after_and_the_buttons_move_between_steps() {
    run("lessons-predict", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        open_lesson(&page, "block-one-node").await;
        assert!(
            page.has_testid("restore-bar").await,
            "the network on screen before the lesson is kept"
        );
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
        page.screenshot("lesson-3-after-step-2")
            .await
            .expect("a screenshot");
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
        page.screenshot("joining").await.expect("a screenshot");
        page.wait_for_no_work("the join to end").await;
        let [after] = page.settled_stats(["stat-links"]).await;
        assert!(after > now, "links were made: {now} then {after}");
    });
}

#[test]
fn the_teacher_s_guide_holds_each_step_s_question_and_answer_and_prints_alone() {
    run("guide", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", WAIT).await;
        open_lesson(&page, "eclipse-attack").await;
        assert!(!page.has_testid("guide").await);
        page.click("teacher-guide").await;
        page.wait_for("[data-testid=guide]", WAIT).await;
        let lesson = lessons::lesson("eclipse-attack").expect("a lesson");
        let guide = gossipscope::view::guide::guide("eclipse-attack").expect("a guide");
        // The guide's general text comes in its own file (guides.html), fetched when the
        // lesson opened.
        page.wait_until("the guide's file to arrive", WAIT, || async {
            let text = page.text("guide").await;
            if text.contains(&guide.goals[0]) {
                Ok(())
            } else {
                Err(text)
            }
        })
        .await;
        assert!(!page.has_testid("guide-status").await);
        let text = page.text("guide").await;
        for step in &lesson.steps {
            assert!(text.contains(&step.question), "{:?}", step.question);
            assert!(text.contains(&step.result), "{:?}", step.result);
        }
        for t in &lesson.things_to_try {
            assert!(text.contains(&t.answer), "{:?}", t.answer);
        }
        assert!(text.contains(&guide.references[0].url));
        // The print stylesheet hides everything but the guide.
        let hides_the_rest: bool = page
            .client
            .execute(
                "for (const sheet of document.styleSheets) {
                   for (const rule of sheet.cssRules) {
                     if (rule.media && rule.media.mediaText === 'print'
                         && rule.cssText.includes('visibility: hidden')
                         && rule.cssText.includes('.guide')) { return true; }
                   }
                 }
                 return false;",
                vec![],
            )
            .await
            .expect("the script runs")
            .as_bool()
            .unwrap_or(false);
        assert!(hides_the_rest, "a print rule shows the guide alone");
        page.screenshot("teacher-guide")
            .await
            .expect("a screenshot");
        page.click("close-guide").await;
        assert!(!page.has_testid("guide").await);
    });
}
