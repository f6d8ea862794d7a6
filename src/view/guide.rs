//! A teacher's guide for each lesson: goals, timing, level, misconceptions, simplifications,
//! background and references, as plain data for the app and the printout alike.
//!
//! The guides are static text, kept as data in `src/view/guides.json` (compiled in natively,
//! [`all`]) and rendered to `static/guides.html` ([`render`]; a test keeps the file equal to
//! the rendering). The page fetches that HTML file when a lesson first opens, so the text
//! stays out of the wasm it loads first, and shows each lesson's parts of it ([`part`]) around
//! the lesson's own steps and answers; opened on its own, the file is every guide in one
//! printable page. The guides are general to each lesson. Questions and answers about a
//! lesson's steps name concrete peers, so they are computed elsewhere from the lesson's
//! network; nothing here names a peer. Every fact about Bitcoin states the version it comes
//! from, and every reference is a public address.

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

/// Where the page finds the rendered guides, relative to itself (Trunk copies
/// `static/guides.html` into `dist/`).
pub const GUIDES_FILE: &str = "guides.html";

/// The parts of a lesson's guide in the rendered file, in the order the page shows them
/// around the lesson's own text: level, time and goals before the lesson's introduction; the
/// background after it; misconceptions, simplifications and references after the steps.
pub const PARTS: [&str; 3] = ["goals", "background", "further"];

/// The HTML of one part (one of [`PARTS`]) of a lesson's guide in the rendered file.
pub fn part<'a>(html: &'a str, lesson_id: &str, part: &str) -> Option<&'a str> {
    let start = format!("<section data-lesson=\"{lesson_id}\">");
    let section = &html[html.find(&start)? + start.len()..];
    let section = &section[..section.find("</section>")?];
    let start = format!("<div data-part=\"{part}\">");
    let inner = &section[section.find(&start)? + start.len()..];
    Some(&inner[..inner.find("</div>")?])
}

/// The guides as the page has them: not asked for yet, on their way, read, or why not.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Fetched {
    /// No lesson has been opened yet.
    #[default]
    NotAsked,
    /// Asked for; the file is on its way.
    Loading,
    /// The rendered file's text.
    Read(String),
    /// The file could not be fetched: why.
    Failed(String),
}

impl Fetched {
    /// Whether opening a lesson should fetch the file: not yet asked, or failed before.
    pub fn should_fetch(&self) -> bool {
        matches!(self, Fetched::NotAsked | Fetched::Failed(_))
    }

    /// The HTML of one part (one of [`PARTS`]) of this lesson's guide, once the file is read.
    pub fn part(&self, lesson_id: &str, name: &str) -> Option<&str> {
        match self {
            Fetched::Read(html) => part(html, lesson_id, name),
            _ => None,
        }
    }

    /// What the guide's page says in place of the guide's own text, if anything.
    pub fn status(&self, lesson_id: &str) -> Option<String> {
        match self {
            Fetched::Read(html) if part(html, lesson_id, PARTS[0]).is_some() => None,
            Fetched::Read(_) => Some(format!(
                "{GUIDES_FILE} holds no teacher's guide to this lesson."
            )),
            Fetched::Failed(e) => Some(format!(
                "The teacher's guide could not be loaded ({e}); the lesson's steps and answers follow."
            )),
            Fetched::NotAsked | Fetched::Loading => Some("Loading the teacher's guide…".into()),
        }
    }

    /// What the page has once the file's text (or why there is none) arrives.
    pub fn arrived(text: Result<String, String>) -> Fetched {
        match text {
            Ok(html) => Fetched::Read(html),
            Err(e) => Fetched::Failed(e),
        }
    }
}

/// Every lesson's guide, in menu order (natively, where the data is compiled in).
#[cfg(not(target_arch = "wasm32"))]
pub fn all() -> &'static [Guide] {
    static GUIDES: std::sync::OnceLock<Vec<Guide>> = std::sync::OnceLock::new();
    GUIDES.get_or_init(|| {
        serde_json::from_str(include_str!("guides.json"))
            .unwrap_or_else(|e| panic!("src/view/guides.json is not a list of guides: {e}"))
    })
}

/// The guide to the lesson with this id, if there is one (natively).
#[cfg(not(target_arch = "wasm32"))]
pub fn guide(lesson_id: &str) -> Option<&'static Guide> {
    all().iter().find(|g| g.lesson == lesson_id)
}

/// `guides` as one HTML page: `static/guides.html`, which the app fetches and shows a lesson's
/// [`PARTS`] of, and which prints every guide when opened on its own.
#[cfg(not(target_arch = "wasm32"))]
pub fn render(guides: &[Guide]) -> String {
    use std::fmt::Write;
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>gossipscope: teacher's guides</title>\n</head>\n<body>\n\
         <!-- Made from src/view/guides.json by view::guide::render; to change it, edit that \
         file and run GOSSIPSCOPE_BLESS=1 cargo test --test it guides -->\n\
         <h1>gossipscope: teacher's guides</h1>\n",
    );
    let list = |items: &[String]| {
        let items: String = items
            .iter()
            .map(|i| format!("<li>{}</li>", escape(i)))
            .collect();
        format!("<ul>{items}</ul>\n")
    };
    for g in guides {
        let _ = write!(
            html,
            "<section data-lesson=\"{}\">\n<h2>{}</h2>\n<div data-part=\"goals\">\n\
             <p class=\"guide-meta\">{} · about {} minutes</p>\n<h3>Learning goals</h3>\n{}</div>\n",
            escape(&g.lesson),
            crate::view::lessons::CATALOGUE
                .iter()
                .find(|l| l.id == g.lesson)
                .map_or_else(|| escape(&g.lesson), |l| escape(&format!("Lesson {}: {}", l.number, l.title))),
            escape(&g.level),
            g.minutes,
            list(&g.goals)
        );
        html.push_str("<div data-part=\"background\">\n");
        for paragraph in &g.background {
            let _ = writeln!(html, "<p>{}</p>", escape(paragraph));
        }
        html.push_str(
            "</div>\n<div data-part=\"further\">\n<h3>Misconceptions to watch for</h3>\n<ul>",
        );
        for m in &g.misconceptions {
            let _ = write!(
                html,
                "<li><p><em>\u{201c}{}\u{201d}</em></p><p>{}</p></li>",
                escape(&m.claim),
                escape(&m.truth)
            );
        }
        let _ = write!(
            html,
            "</ul>\n<h3>What the model simplifies</h3>\n{}<h3>References</h3>\n<ul>",
            list(&g.simplifications)
        );
        for r in &g.references {
            let _ = write!(
                html,
                "<li>{} <a href=\"{}\">{}</a></li>",
                escape(&r.title),
                escape(&r.url),
                escape(&r.url)
            );
        }
        html.push_str("</ul>\n</div>\n</section>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// `text` safe inside HTML text and quoted attributes.
#[cfg(not(target_arch = "wasm32"))]
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

    /// The rendered file, as committed.
    const RENDERED: &str = include_str!("../../static/guides.html");

    /// `html` with its tags taken out and its five escapes undone: the text a reader sees.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn each_lessons_parts_hold_its_guide_and_only_its_guide() {
        for g in all() {
            let part = |name| {
                part(RENDERED, &g.lesson, name).unwrap_or_else(|| panic!("{} {name}", g.lesson))
            };
            let goals = text_of(part("goals"));
            assert!(goals.contains(&format!("{} · about {} minutes", g.level, g.minutes)));
            assert!(
                g.goals.iter().all(|s| goals.contains(s.as_str())),
                "{}",
                g.lesson
            );
            let background = text_of(part("background"));
            assert!(g.background.iter().all(|s| background.contains(s.as_str())));
            let further = text_of(part("further"));
            for m in &g.misconceptions {
                assert!(further.contains(&m.claim) && further.contains(&m.truth));
            }
            assert!(g
                .simplifications
                .iter()
                .all(|s| further.contains(s.as_str())));
            for r in &g.references {
                assert!(further.contains(&r.title));
                assert!(part("further").contains(&format!("<a href=\"{}\">", r.url)));
            }
            // Another lesson's first goal is not in this one's parts.
            let other = all().iter().find(|o| o.lesson != g.lesson).unwrap();
            assert!(!goals.contains(&other.goals[0]));
        }
        assert_eq!(part(RENDERED, "no-such-lesson", "goals"), None);
        assert_eq!(part(RENDERED, "gossip-basics", "no-such-part"), None);
    }

    #[test]
    fn text_that_looks_like_markup_is_shown_as_text() {
        let mut g = all()[0].clone();
        g.goals = vec!["Students can <b>see</b> that \"a & b\" stays text.".into()];
        let html = render(&[g.clone()]);
        let goals = part(&html, &g.lesson, "goals").unwrap();
        assert!(!goals.contains("<b>"));
        assert!(text_of(goals).contains(&g.goals[0]));
    }

    #[test]
    fn the_file_is_fetched_once_and_a_missing_one_is_said_so() {
        assert!(Fetched::NotAsked.should_fetch());
        assert!(!Fetched::Loading.should_fetch());
        assert!(Fetched::Loading
            .status("gossip-basics")
            .unwrap()
            .starts_with("Loading"));
        let read = Fetched::arrived(Ok(RENDERED.to_string()));
        assert!(!read.should_fetch());
        assert_eq!(read.status("gossip-basics"), None);
        assert_eq!(
            read.part("gossip-basics", "goals"),
            part(RENDERED, "gossip-basics", "goals")
        );
        assert!(read
            .status("no-such-lesson")
            .unwrap()
            .contains("no teacher's guide"));
        let lost = Fetched::arrived(Err("guides.html: HTTP 404".into()));
        assert!(lost.should_fetch(), "the next lesson opened tries again");
        assert!(lost.status("gossip-basics").unwrap().contains("HTTP 404"));
        assert_eq!(lost.part("gossip-basics", "goals"), None);
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
