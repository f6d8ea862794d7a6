//! The lessons: a menu of guided presets, and the narration of the open one with its "Do it" buttons.

use yew::prelude::*;

use crate::ui::events::value_of;
use crate::view::lessons::{self, Lesson};
use crate::view::state::Command;

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

/// The narration of the open lesson: its steps, each with a "Do it" button, and things to try.
pub fn lesson_panel(
    lesson: &Lesson,
    dispatch: &Callback<Command>,
    on_close: &Callback<Option<Lesson>>,
) -> Html {
    let close = {
        let on_close = on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(None))
    };
    html! {
        <section class="panel lesson" aria-label={format!("Lesson {}: {}", lesson.number, lesson.title)} data-testid="lesson">
            <div class="lesson-head">
                <h2>{ format!("Lesson {}: {}", lesson.number, lesson.title) }</h2>
                <button type="button" class="quiet" data-testid="close-lesson" onclick={close}>{"Close"}</button>
            </div>
            <p>{ lesson.intro.clone() }</p>
            <ol class="steps">
                { for lesson.steps.iter().enumerate().map(|(i, step)| {
                    let commands = step.commands.clone();
                    let dispatch = dispatch.clone();
                    let onclick = Callback::from(move |_: MouseEvent| {
                        for command in &commands {
                            dispatch.emit(command.clone());
                        }
                    });
                    html! {
                        <li>
                            <span>{ step.text.clone() }</span>{" "}
                            <button type="button" data-testid={format!("do-step-{}", i + 1)} {onclick}>{"Do it"}</button>
                        </li>
                    }
                }) }
            </ol>
            <h3>{"Things to try"}</h3>
            <ul class="things">
                { for lesson.things_to_try.iter().map(|t| html! { <li>{ t.clone() }</li> }) }
            </ul>
        </section>
    }
}
