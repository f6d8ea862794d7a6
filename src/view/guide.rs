//! A teacher's guide for each lesson: goals, timing, level, misconceptions, simplifications,
//! background and references, as plain data for the app and the printout alike.
//!
//! The guides are static text, kept in `static/guides.json`: the page fetches that file when
//! a lesson opens (the text stays out of the wasm the page loads first), natively it is
//! compiled in ([`all`]). Both read it with [`parse`]. The guides are general to each lesson.
//! Questions and answers about a lesson's steps name concrete peers, so they are computed
//! elsewhere from the lesson's network; nothing here names a peer. Every fact about Bitcoin
//! states the version it comes from, and every reference is a public address.

use serde::Deserialize;

/// The teacher's guide to one lesson of [`crate::view::lessons::CATALOGUE`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// The lesson's id, as in [`crate::view::lessons::LessonInfo::id`].
    pub lesson: String,
    /// What students can do afterwards, 2 to 4 sentences starting "Students can".
    pub goals: Vec<String>,
    /// Class time in minutes, steps and things to try included.
    pub minutes: u32,
    /// Who the lesson suits, e.g. "Secondary school (age 14+)".
    pub level: String,
    /// Wrong ideas to listen for, the lesson's own overclaims among them.
    pub misconceptions: Vec<Misconception>,
    /// Where the model is simpler than the real Bitcoin network.
    pub simplifications: Vec<String>,
    /// Further reading, each a public address.
    pub references: Vec<Reference>,
    /// One to three short paragraphs of facts the teacher may need.
    pub background: Vec<String>,
}

/// A wrong idea and the correction.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Misconception {
    /// What a student (or the lesson's own wording) may say.
    pub claim: String,
    /// What is true instead.
    pub truth: String,
}

/// A source to read further.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Author, title and year, as a reader cites it.
    pub title: String,
    /// A public https address.
    pub url: String,
}

/// Where the page finds the guides, relative to itself (Trunk copies the file into `dist/`).
pub const GUIDES_FILE: &str = "guides.json";

/// Reads the guides' file: a JSON list of guides, each with exactly the fields of [`Guide`].
pub fn parse(text: &str) -> Result<Vec<Guide>, String> {
    serde_json::from_str(text).map_err(|e| format!("{GUIDES_FILE} is not a list of guides: {e}"))
}

/// The guide to the lesson with this id among `guides`, if there is one.
pub fn find<'a>(guides: &'a [Guide], lesson_id: &str) -> Option<&'a Guide> {
    guides.iter().find(|g| g.lesson == lesson_id)
}

/// The guides as the page has them: not asked for yet, on their way, read, or why not.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Fetched {
    /// No lesson has been opened yet.
    #[default]
    NotAsked,
    /// Asked for; the file is on its way.
    Loading,
    /// Read.
    Read(Vec<Guide>),
    /// The file could not be fetched or read: why.
    Failed(String),
}

impl Fetched {
    /// Whether opening a lesson should fetch the file: not yet asked, or failed before.
    pub fn should_fetch(&self) -> bool {
        matches!(self, Fetched::NotAsked | Fetched::Failed(_))
    }

    /// The guide to this lesson, once the file is read.
    pub fn guide(&self, lesson_id: &str) -> Option<&Guide> {
        match self {
            Fetched::Read(guides) => find(guides, lesson_id),
            _ => None,
        }
    }

    /// What the guide's page says in place of the guide's own text, if anything.
    pub fn status(&self, lesson_id: &str) -> Option<String> {
        match self {
            Fetched::Read(guides) if find(guides, lesson_id).is_some() => None,
            Fetched::Read(_) => Some("This lesson has no teacher's guide.".into()),
            Fetched::Failed(e) => Some(format!(
                "The teacher's guide could not be loaded ({e}); the lesson's steps and answers follow."
            )),
            Fetched::NotAsked | Fetched::Loading => Some("Loading the teacher's guide…".into()),
        }
    }

    /// What the page has once the file's text (or why there is none) arrives.
    pub fn arrived(text: Result<String, String>) -> Fetched {
        match text.and_then(|text| parse(&text)) {
            Ok(guides) => Fetched::Read(guides),
            Err(e) => Fetched::Failed(e),
        }
    }
}

/// Every lesson's guide, in menu order (natively, where the file is compiled in).
#[cfg(not(target_arch = "wasm32"))]
pub fn all() -> &'static [Guide] {
    static GUIDES: std::sync::OnceLock<Vec<Guide>> = std::sync::OnceLock::new();
    GUIDES.get_or_init(|| {
        parse(include_str!("../../static/guides.json")).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The guide to the lesson with this id, if there is one (natively).
#[cfg(not(target_arch = "wasm32"))]
pub fn guide(lesson_id: &str) -> Option<&'static Guide> {
    find(all(), lesson_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::lessons::CATALOGUE;

    /// Every sentence of a guide, misconception claims apart (they may quote a wrong idea).
    fn sentences(g: &Guide) -> Vec<&str> {
        let mut all = vec![g.level.as_str()];
        all.extend(g.goals.iter().map(String::as_str));
        all.extend(g.simplifications.iter().map(String::as_str));
        all.extend(g.background.iter().map(String::as_str));
        all.extend(g.misconceptions.iter().map(|m| m.truth.as_str()));
        all.extend(g.references.iter().map(|r| r.title.as_str()));
        all
    }

    #[test]
    fn the_file_is_fetched_once_and_a_bad_one_is_said_so() {
        assert!(Fetched::NotAsked.should_fetch());
        assert!(!Fetched::Loading.should_fetch());
        let read = Fetched::arrived(Ok(include_str!("../../static/guides.json").to_string()));
        assert_eq!(read, Fetched::Read(all().to_vec()));
        assert!(!read.should_fetch());
        assert_eq!(read.status("gossip-basics"), None);
        assert_eq!(read.guide("gossip-basics").map(|g| g.minutes), Some(15));
        assert!(read
            .status("no-such-lesson")
            .unwrap()
            .contains("no teacher's guide"));
        assert!(Fetched::Loading
            .status("gossip-basics")
            .unwrap()
            .starts_with("Loading"));
        let lost = Fetched::arrived(Err("guides.json: HTTP 404".into()));
        assert_eq!(lost, Fetched::Failed("guides.json: HTTP 404".into()));
        assert!(lost.should_fetch(), "the next lesson opened tries again");
        assert!(lost.status("gossip-basics").unwrap().contains("HTTP 404"));
        assert_eq!(lost.guide("gossip-basics"), None);
        let Fetched::Failed(why) =
            Fetched::arrived(Ok("[{\"lesson\": \"x\", \"colour\": 1}]".into()))
        else {
            panic!("a file with an unknown field is refused");
        };
        assert!(
            why.contains("guides.json") && why.contains("colour"),
            "{why}"
        );
    }

    #[test]
    fn every_lesson_has_exactly_one_guide_and_every_guide_a_lesson() {
        for info in CATALOGUE {
            let n = all().iter().filter(|g| g.lesson == info.id).count();
            assert_eq!(n, 1, "{}", info.id);
            assert_eq!(guide(info.id).map(|g| g.lesson.as_str()), Some(info.id));
        }
        for g in all() {
            assert!(CATALOGUE.iter().any(|i| i.id == g.lesson), "{}", g.lesson);
        }
        let order: Vec<&str> = all().iter().map(|g| g.lesson.as_str()).collect();
        let menu: Vec<&str> = CATALOGUE.iter().map(|i| i.id).collect();
        assert_eq!(order, menu, "guides follow the menu");
        assert!(guide("no-such-lesson").is_none());
    }

    #[test]
    fn every_guide_is_complete() {
        for g in all() {
            let id = &g.lesson;
            assert!((2..=4).contains(&g.goals.len()), "{id}: goals");
            assert!(
                g.goals.iter().all(|s| s.starts_with("Students can ")),
                "{id}"
            );
            assert!((5..=45).contains(&g.minutes), "{id}: minutes");
            assert!(!g.level.is_empty(), "{id}: level");
            assert!(g.misconceptions.len() >= 2, "{id}: misconceptions");
            assert!(!g.simplifications.is_empty(), "{id}: simplifications");
            assert!((1..=3).contains(&g.background.len()), "{id}: background");
            assert!(!g.references.is_empty(), "{id}: references");
            for r in &g.references {
                assert!(r.url.starts_with("https://"), "{id}: {}", r.url);
                assert!(!r.url.contains(char::is_whitespace), "{id}: {}", r.url);
                assert!(!r.title.is_empty(), "{id}");
            }
            let mut urls: Vec<&str> = g.references.iter().map(|r| r.url.as_str()).collect();
            urls.sort();
            urls.dedup();
            assert_eq!(urls.len(), g.references.len(), "{id}: a reference twice");
        }
    }

    #[test]
    fn texts_are_plain_british_and_keep_knowing_apart_from_linking() {
        for g in all() {
            let mut texts = sentences(g);
            texts.extend(g.misconceptions.iter().map(|m| m.claim.as_str()));
            for t in texts {
                assert!(!t.trim().is_empty() && t.trim() == t, "{}: {t:?}", g.lesson);
                assert!(
                    !t.contains("  "),
                    "{}: a line break left a gap: {t:?}",
                    g.lesson
                );
                for american in ["neighbor", "behavior", "modeled", " center"] {
                    assert!(!t.contains(american), "{}: {american} in {t:?}", g.lesson);
                }
            }
            // "Knows" stands for "is linked to" in some lessons' wording; the guides say
            // "linked" for links and use "know" only in the claims they correct and where
            // knowing an address is meant.
            for t in sentences(g) {
                assert!(!t.contains("knows"), "{}: {t:?}", g.lesson);
            }
        }
    }
}
