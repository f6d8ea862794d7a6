//! The keyboard shortcuts: one table, from which both the key handler and the help list are built.

use crate::view::state::Command;

/// Which modifier keys a shortcut asks for. Ctrl and the Mac's Command key count alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chord {
    /// Neither Ctrl nor Alt; Shift makes no difference (a capital letter is the same key).
    Plain,
    /// Ctrl; Alt makes no difference, nor does Shift unless a [`Chord::CtrlShift`] entry
    /// names the same key.
    Ctrl,
    /// Ctrl and Shift.
    CtrlShift,
    /// Any modifiers or none (keys such as `?` that some keyboards type only with a modifier).
    Any,
}

/// What a shortcut does.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyAction {
    /// Carries out a command.
    Do(Command),
    /// Pauses while playing, plays otherwise.
    PlayOrPause,
    /// Shows or hides the list of shortcuts.
    ToggleHelp,
}

/// One keyboard shortcut.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortcut {
    /// The key as the browser's `KeyboardEvent.key` names it; a letter matches in either case.
    pub key: &'static str,
    /// The modifiers it needs.
    pub chord: Chord,
    /// What it does, for the help list; entries in a row with the same words share a line.
    pub description: &'static str,
    /// What pressing it does.
    pub action: KeyAction,
}

const fn shortcut(
    key: &'static str,
    chord: Chord,
    description: &'static str,
    action: KeyAction,
) -> Shortcut {
    Shortcut {
        key,
        chord,
        description,
        action,
    }
}

/// Every keyboard shortcut, in the order the help list shows them.
pub const SHORTCUTS: &[Shortcut] = &[
    shortcut(
        "B",
        Chord::Plain,
        "broadcast from the selected peer",
        KeyAction::Do(Command::Broadcast),
    ),
    shortcut(" ", Chord::Plain, "play or pause", KeyAction::PlayOrPause),
    shortcut(
        "S",
        Chord::Plain,
        "step to the next delivery",
        KeyAction::Do(Command::Step),
    ),
    shortcut(
        "L",
        Chord::Plain,
        "link the two selected peers",
        KeyAction::Do(Command::LinkSelected),
    ),
    shortcut(
        "Delete",
        Chord::Plain,
        "remove the selected peers or link",
        KeyAction::Do(Command::RemoveSelection),
    ),
    shortcut(
        "Backspace",
        Chord::Plain,
        "remove the selected peers or link",
        KeyAction::Do(Command::RemoveSelection),
    ),
    shortcut(
        "C",
        Chord::Plain,
        "censor the selected peer, or stop",
        KeyAction::Do(Command::ToggleCensor),
    ),
    shortcut(
        "O",
        Chord::Plain,
        "take the selected peer offline, or bring it back",
        KeyAction::Do(Command::ToggleOffline),
    ),
    shortcut("Z", Chord::Ctrl, "undo", KeyAction::Do(Command::Undo)),
    shortcut("Z", Chord::CtrlShift, "redo", KeyAction::Do(Command::Redo)),
    shortcut("Y", Chord::Ctrl, "redo", KeyAction::Do(Command::Redo)),
    shortcut(
        "Escape",
        Chord::Plain,
        "clear the selection (or close this list)",
        KeyAction::Do(Command::ClearSelection),
    ),
    shortcut(
        "?",
        Chord::Any,
        "show or hide this list",
        KeyAction::ToggleHelp,
    ),
];

/// A key pressed, as the browser reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    /// Ctrl or the Mac's Command key.
    pub ctrl: bool,
    /// Shift.
    pub shift: bool,
    /// Alt (Option).
    pub alt: bool,
}

/// What the page shows that changes what a key does.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KeyContext {
    /// Whether the clock runs.
    pub playing: bool,
    /// Whether the list of shortcuts is open.
    pub help_open: bool,
    /// Whether the teacher's guide is open.
    pub guide_open: bool,
}

/// What a key press does.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyOutcome {
    /// A command to carry out (the browser's own use of the key is then prevented).
    Command(Command),
    /// Opens (`true`) or closes the list of shortcuts.
    Help(bool),
    /// Closes the teacher's guide.
    CloseGuide,
}

/// Whether an element with this tag name takes typing (then keys are text, not shortcuts).
pub fn takes_typing(tag_name: &str) -> bool {
    matches!(tag_name, "INPUT" | "SELECT" | "TEXTAREA")
}

impl Shortcut {
    /// Whether the shortcut's key is `key` (a letter in either case).
    fn names(&self, key: &str) -> bool {
        if self.key.len() == 1 && self.key.as_bytes()[0].is_ascii_alphabetic() {
            self.key.eq_ignore_ascii_case(key) && key.len() == 1
        } else {
            self.key == key
        }
    }

    /// Whether `press` sets it off, Shift aside where the chord leaves it open.
    fn fits(&self, press: &KeyPress) -> bool {
        self.names(press.key)
            && match self.chord {
                Chord::Plain => !press.ctrl && !press.alt,
                Chord::Ctrl => press.ctrl,
                Chord::CtrlShift => press.ctrl && press.shift,
                Chord::Any => true,
            }
    }

    /// How the help list writes it, e.g. `Ctrl+Shift+Z` or `Space`.
    pub fn label(&self) -> String {
        let key = if self.key == " " { "Space" } else { self.key };
        match self.chord {
            Chord::Ctrl => format!("Ctrl+{key}"),
            Chord::CtrlShift => format!("Ctrl+Shift+{key}"),
            Chord::Plain | Chord::Any => key.to_string(),
        }
    }
}

/// The shortcut `press` sets off: one that asks for Shift wins over one that leaves it open.
pub fn shortcut_for(press: &KeyPress) -> Option<&'static Shortcut> {
    let mut fitting = SHORTCUTS.iter().filter(|s| s.fits(press));
    let first = fitting.next()?;
    Some(
        std::iter::once(first)
            .chain(fitting)
            .find(|s| s.chord == Chord::CtrlShift)
            .unwrap_or(first),
    )
}

/// What `press` does on a page in `context`.
///
/// The teacher's guide is read, not played: while it is open, Escape closes it and no other key
/// acts on the network behind it. Escape closes the list of shortcuts before it clears a selection.
pub fn on_key(press: &KeyPress, context: KeyContext) -> Option<KeyOutcome> {
    if context.guide_open {
        return (press.key == "Escape").then_some(KeyOutcome::CloseGuide);
    }
    if press.key == "Escape" && context.help_open {
        return Some(KeyOutcome::Help(false));
    }
    Some(match &shortcut_for(press)?.action {
        KeyAction::Do(command) => KeyOutcome::Command(command.clone()),
        KeyAction::PlayOrPause if context.playing => KeyOutcome::Command(Command::Pause),
        KeyAction::PlayOrPause => KeyOutcome::Command(Command::Play),
        KeyAction::ToggleHelp => KeyOutcome::Help(!context.help_open),
    })
}

/// The help list: (keys, what they do), one line per run of entries with the same words.
pub fn help_lines() -> Vec<(String, &'static str)> {
    let mut lines: Vec<(String, &'static str)> = Vec::new();
    for shortcut in SHORTCUTS {
        match lines.last_mut() {
            Some((keys, what)) if *what == shortcut.description => {
                keys.push_str(", ");
                keys.push_str(&shortcut.label());
            }
            _ => lines.push((shortcut.label(), shortcut.description)),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str) -> KeyPress<'_> {
        KeyPress {
            key,
            ..KeyPress::default()
        }
    }

    fn ctrl(key: &str) -> KeyPress<'_> {
        KeyPress {
            ctrl: true,
            ..press(key)
        }
    }

    fn command(p: KeyPress) -> Option<Command> {
        match on_key(&p, KeyContext::default()) {
            Some(KeyOutcome::Command(c)) => Some(c),
            _ => None,
        }
    }

    /// The press an entry's own label describes.
    fn press_for(s: &Shortcut) -> KeyPress<'static> {
        KeyPress {
            key: s.key,
            ctrl: matches!(s.chord, Chord::Ctrl | Chord::CtrlShift),
            shift: s.chord == Chord::CtrlShift,
            alt: false,
        }
    }

    #[test]
    fn every_listed_key_does_what_its_entry_says() {
        for s in SHORTCUTS {
            assert_eq!(shortcut_for(&press_for(s)), Some(s), "{}", s.label());
        }
        // And by hand, the commands the app has always bound.
        let expected = [
            (press("b"), Command::Broadcast),
            (press("B"), Command::Broadcast),
            (press("s"), Command::Step),
            (press("l"), Command::LinkSelected),
            (press("Delete"), Command::RemoveSelection),
            (press("Backspace"), Command::RemoveSelection),
            (press("c"), Command::ToggleCensor),
            (press("o"), Command::ToggleOffline),
            (press("Escape"), Command::ClearSelection),
            (ctrl("z"), Command::Undo),
            (ctrl("y"), Command::Redo),
            (ctrl("Y"), Command::Redo),
            (
                KeyPress {
                    shift: true,
                    ..ctrl("Z")
                },
                Command::Redo,
            ),
        ];
        for (p, c) in expected {
            assert_eq!(command(p), Some(c), "{p:?}");
        }
    }

    #[test]
    fn no_two_entries_share_a_key_and_chord() {
        for (i, a) in SHORTCUTS.iter().enumerate() {
            for b in &SHORTCUTS[i + 1..] {
                assert!(
                    !(a.key.eq_ignore_ascii_case(b.key) && a.chord == b.chord),
                    "{} is listed twice",
                    a.label()
                );
            }
        }
    }

    #[test]
    fn modifiers_keep_plain_keys_from_firing_and_shift_is_ignored_where_open() {
        // Ctrl+B and Alt+B are the browser's; Shift+B is still B.
        assert_eq!(command(ctrl("b")), None);
        assert_eq!(
            command(KeyPress {
                alt: true,
                ..press("b")
            }),
            None
        );
        assert_eq!(
            command(KeyPress {
                shift: true,
                ..press("B")
            }),
            Some(Command::Broadcast)
        );
        // Ctrl+Shift+Y is still redo; Ctrl+Alt+Z still undo; a plain Z nothing.
        assert_eq!(
            command(KeyPress {
                shift: true,
                ..ctrl("Y")
            }),
            Some(Command::Redo)
        );
        assert_eq!(
            command(KeyPress {
                alt: true,
                ..ctrl("z")
            }),
            Some(Command::Undo)
        );
        assert_eq!(command(press("z")), None);
        assert_eq!(command(press("x")), None);
        assert_eq!(command(press("Bb")), None, "a letter key is one letter");
    }

    #[test]
    fn space_plays_or_pauses_by_the_clock() {
        let playing = KeyContext {
            playing: true,
            ..KeyContext::default()
        };
        assert_eq!(
            on_key(&press(" "), playing),
            Some(KeyOutcome::Command(Command::Pause))
        );
        assert_eq!(command(press(" ")), Some(Command::Play));
    }

    #[test]
    fn question_mark_toggles_the_list_and_escape_closes_it_first() {
        let open = KeyContext {
            help_open: true,
            ..KeyContext::default()
        };
        let shifted = KeyPress {
            shift: true,
            ..press("?")
        };
        assert_eq!(
            on_key(&shifted, KeyContext::default()),
            Some(KeyOutcome::Help(true))
        );
        assert_eq!(on_key(&shifted, open), Some(KeyOutcome::Help(false)));
        assert_eq!(
            on_key(&press("Escape"), open),
            Some(KeyOutcome::Help(false))
        );
        // With the list open, other shortcuts still act.
        assert_eq!(
            on_key(&press("b"), open),
            Some(KeyOutcome::Command(Command::Broadcast))
        );
    }

    #[test]
    fn the_open_guide_takes_escape_and_swallows_every_other_key() {
        let guide = KeyContext {
            guide_open: true,
            help_open: true,
            playing: false,
        };
        assert_eq!(
            on_key(&press("Escape"), guide),
            Some(KeyOutcome::CloseGuide)
        );
        for s in SHORTCUTS.iter().filter(|s| s.key != "Escape") {
            assert_eq!(on_key(&press_for(s), guide), None, "{}", s.label());
        }
    }

    #[test]
    fn the_help_list_reads_as_it_always_has() {
        let lines: Vec<(String, &str)> = help_lines();
        let keys: Vec<&str> = lines.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "B",
                "Space",
                "S",
                "L",
                "Delete, Backspace",
                "C",
                "O",
                "Ctrl+Z",
                "Ctrl+Shift+Z, Ctrl+Y",
                "Escape",
                "?"
            ]
        );
        assert_eq!(lines[8].1, "redo");
        assert_eq!(lines[4].1, "remove the selected peers or link");
    }

    #[test]
    fn text_fields_take_typing() {
        for tag in ["INPUT", "SELECT", "TEXTAREA"] {
            assert!(takes_typing(tag));
        }
        assert!(!takes_typing("BUTTON"));
        assert!(!takes_typing("CANVAS"));
    }
}
