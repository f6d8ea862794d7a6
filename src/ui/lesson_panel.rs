//! The lessons: a menu of guided presets, the open lesson's steps (predict, do it, observe) and its teacher's guide.

use yew::prelude::*;

use crate::ui::events::value_of;
use crate::view::guide::{Fetched, PARTS};
use crate::view::lessons::{self, Lesson, Tour};

/// The Lessons menu: choosing one opens its network and its narration.
pub fn lesson_menu(current: Option<&Lesson>, on_open: &Callback<Option<Lesson>>) -> Html {
    let onchange = {
        let on_open = on_open.clone();
        Callback::from(move |e: Event| on_open.emit(lessons::lesson(&value_of(&e))))
    };
    let current = current.map(|l| l.id);
    html! {
        <label>{"Lessons "}
            <select data-testid="lessons" {onchange} aria-label="Lessons">
                <option value="" selected={current.is_none()}>{"Choose a lesson…"}</option>
                { for lessons::CATALOGUE.iter().map(|l| html! {
                    <option value={l.id} selected={current == Some(l.id)}>{ format!("{}. {}", l.number, l.title) }</option>
                }) }
            </select>
        </label>
    }
}

/// What the lesson panel asks of the app.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonActions {
    /// Go to the state after step `n` (0: the lesson as it opens).
    pub go_to: Callback<usize>,
    /// Close the lesson.
    pub close: Callback<Option<Lesson>>,
    /// Show or hide the teacher's guide.
    pub guide: Callback<bool>,
}

/// The open lesson: every step with its question, the results of the steps
/// done, the current one marked, and Back, Next and Restart.
///
/// A step's result shows once the app has carried it out (`busy` is false),
/// and only while the network is the one the steps left.
pub fn lesson_panel(tour: &Tour, busy: bool, guide_open: bool, actions: &LessonActions) -> Html {
    let lesson = tour.lesson();
    let done = tour.done();
    let total = lesson.steps.len();
    let go = |n: usize| {
        let go_to = actions.go_to.clone();
        Callback::from(move |_: MouseEvent| go_to.emit(n))
    };
    let close = {
        let close = actions.close.clone();
        Callback::from(move |_: MouseEvent| close.emit(None))
    };
    let toggle_guide = {
        let guide = actions.guide.clone();
        Callback::from(move |_: MouseEvent| guide.emit(!guide_open))
    };
    let progress = match tour.next_step() {
        Some(n) => format!("Step {n} of {total}"),
        None => format!("All {total} steps done"),
    };
    html! {
        <section class="panel lesson" aria-label={format!("Lesson {}: {}", lesson.number, lesson.title)} data-testid="lesson">
            <div class="lesson-head">
                <h2>{ format!("Lesson {}: {}", lesson.number, lesson.title) }</h2>
                <button type="button" class="quiet" data-testid="teacher-guide" aria-pressed={guide_open.to_string()} onclick={toggle_guide}>{"Teacher's guide"}</button>
                <button type="button" class="quiet" data-testid="close-lesson" onclick={close}>{"Close"}</button>
            </div>
            <p>{ lesson.intro.clone() }</p>
            <div class="lesson-nav" role="toolbar" aria-label="Lesson steps">
                <button type="button" data-testid="lesson-back" disabled={done == 0} onclick={go(done.saturating_sub(1))}>{"Back"}</button>
                <span class="progress" data-testid="lesson-progress">{ progress }</span>
                <button type="button" data-testid="lesson-next" disabled={done >= total} onclick={go(done + 1)}>{"Next"}</button>
                <button type="button" class="quiet" data-testid="lesson-restart" onclick={go(0)}>{"Restart"}</button>
            </div>
            if !tour.on_track() {
                <p class="off-track" data-testid="lesson-off-track">
                    {"The network has changed outside the lesson: the next step opens the lesson again first."}
                </p>
            }
            <ol class="steps">
                { for lesson.steps.iter().enumerate().map(|(i, step)| {
                    let n = i + 1;
                    let class = classes!(
                        (n <= done).then_some("done"),
                        (n == done + 1).then_some("current"),
                    );
                    html! {
                        <li {class} data-testid={format!("step-{n}")} aria-current={(n == done + 1).then_some("step")}>
                            <span class="action">{ step.action.clone() }</span>{" "}
                            <button type="button" data-testid={format!("do-step-{n}")} onclick={go(n)}>{"Do it"}</button>
                            if n <= done && tour.on_track() && !(busy && n == done) {
                                <p class="result" data-testid={format!("result-{n}")}>{ step.result.clone() }</p>
                            } else if n == done && busy {
                                <p class="question muted">{"Working…"}</p>
                            } else {
                                <p class="question"><strong>{"Predict: "}</strong>{ step.question.clone() }</p>
                            }
                        </li>
                    }
                }) }
            </ol>
            <h3>{"Things to try"}</h3>
            <ul class="things">
                { for lesson.things_to_try.iter().map(|t| html! { <li>{ t.question.clone() }</li> }) }
            </ul>
        </section>
    }
}

/// The open lesson's teacher's guide: one page for the screen and for print
/// (the print stylesheet shows this page alone). The lesson's own steps and answers show at
/// once; the guide's general text once `guides.html` has arrived.
pub fn teacher_guide(lesson: &Lesson, guides: &Fetched, on_close: &Callback<bool>) -> Html {
    let close = {
        let on_close = on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(false))
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    // The rendered guides are the app's own file, made from its own data (view::guide::render).
    let part = |name: &str| {
        guides
            .part(lesson.id, name)
            .map(|html| Html::from_html_unchecked(AttrValue::from(html.to_string())))
    };
    html! {
        <section class="guide" data-testid="guide" aria-label={format!("Teacher's guide to lesson {}", lesson.number)}>
            <div class="guide-head">
                <h2>{ format!("Teacher's guide · Lesson {}: {}", lesson.number, lesson.title) }</h2>
                <div class="no-print">
                    <button type="button" data-testid="print-guide" onclick={print}>{"Print"}</button>
                    <button type="button" class="quiet" data-testid="close-guide" onclick={close}>{"Close"}</button>
                </div>
            </div>
            if let Some(status) = guides.status(lesson.id) {
                <p class="guide-meta" data-testid="guide-status">{ status }</p>
            }
            { part(PARTS[0]) }
            <h3>{"Before you start"}</h3>
            <p>{ lesson.intro.clone() }</p>
            { part(PARTS[1]) }
            <h3>{"Steps: ask, do, then discuss"}</h3>
            <ol class="guide-steps">
                { for lesson.steps.iter().map(|s| html! {
                    <li>
                        <p><strong>{"Do: "}</strong>{ s.action.clone() }</p>
                        <p><strong>{"Ask: "}</strong>{ s.question.clone() }</p>
                        <p><strong>{"Expect: "}</strong>{ s.result.clone() }</p>
                    </li>
                }) }
            </ol>
            <h3>{"Things to try, with answers"}</h3>
            <ul>
                { for lesson.things_to_try.iter().map(|t| html! {
                    <li><p>{ t.question.clone() }</p><p class="answer">{ t.answer.clone() }</p></li>
                }) }
            </ul>
            { part(PARTS[2]) }
        </section>
    }
}
