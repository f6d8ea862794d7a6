//! When the app saves the network in the browser, and what it says when the browser refuses.

use crate::view::state::Command;

/// Whether carrying out `command` may change what a save holds: selection and playback leave
/// the scenario as it is, so there is nothing new to save after them.
pub fn changes_the_save(command: &Command) -> bool {
    !matches!(
        command,
        Command::SelectPeer { .. }
            | Command::SelectLink(_)
            | Command::ClearSelection
            | Command::Play
            | Command::Pause
            | Command::Step
            | Command::Finish
            | Command::SetSpeed(_)
            | Command::Replay
            | Command::Notice(_)
    )
}

/// Whether a tick's work wants saving: work done on ticks (a join, a lesson's waiting commands)
/// is saved when it ends.
pub fn after_tick(was_busy: bool, is_busy: bool) -> bool {
    was_busy && !is_busy
}

/// What the app knows of its autosaves: a refusal (a full quota, say) is told once, not
/// swallowed and not repeated on every edit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Autosave {
    failed: bool,
}

impl Autosave {
    /// Takes in the browser's answer to a save; returns the notice to show, if any.
    pub fn answered(&mut self, result: Result<(), String>) -> Option<Command> {
        match result {
            Ok(()) => {
                self.failed = false;
                None
            }
            Err(_) if self.failed => None,
            Err(e) => {
                self.failed = true;
                Some(Command::Notice(format!(
                    "This browser would not save the network ({e}): it will not come back after a \
                     reload. Export it as JSON to keep it."
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::PeerId;

    #[test]
    fn edits_are_saved_and_watching_is_not() {
        for command in [
            Command::AddPeer { at: None },
            Command::Broadcast,
            Command::RemoveSelection,
            Command::ToggleOffline,
            Command::MovePeer {
                peer: PeerId(0),
                x: 1.0,
                y: 2.0,
            },
            Command::Undo,
        ] {
            assert!(changes_the_save(&command), "{command:?}");
        }
        for command in [
            Command::SelectPeer {
                peer: PeerId(0),
                additive: false,
            },
            Command::ClearSelection,
            Command::Play,
            Command::Pause,
            Command::Step,
            Command::Finish,
            Command::Replay,
            Command::Notice("hello".into()),
        ] {
            assert!(!changes_the_save(&command), "{command:?}");
        }
    }

    #[test]
    fn work_on_ticks_is_saved_once_when_it_ends() {
        assert!(after_tick(true, false));
        assert!(!after_tick(true, true));
        assert!(!after_tick(false, false));
        assert!(!after_tick(false, true));
    }

    #[test]
    fn a_refusal_is_told_once_until_a_save_succeeds_again() {
        let mut autosave = Autosave::default();
        assert_eq!(autosave.answered(Ok(())), None);
        let Some(Command::Notice(text)) = autosave.answered(Err("quota exceeded".into())) else {
            panic!("the first refusal is told");
        };
        assert!(text.contains("(quota exceeded)"), "{text}");
        assert!(text.contains("Export it as JSON"), "{text}");
        assert_eq!(autosave.answered(Err("quota exceeded".into())), None);
        assert_eq!(autosave.answered(Ok(())), None);
        assert!(autosave.answered(Err("again".into())).is_some());
    }
}
