//! The teacher's guides' page (`static/guides.html`, which the app fetches) is the rendering of their data.

use gossipscope::view::guide;

#[test]
fn the_guides_page_is_the_rendering_of_the_guides_data() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/guides.html");
    let rendered = guide::render(guide::all());
    if std::env::var_os("GOSSIPSCOPE_BLESS").is_some() {
        std::fs::write(path, &rendered).expect("static/guides.html is written");
        return;
    }
    let committed = std::fs::read_to_string(path).expect("static/guides.html is there");
    assert!(
        rendered == committed,
        "static/guides.html differs from the rendering of src/view/guides.json: if the change \
         is intended, run GOSSIPSCOPE_BLESS=1 cargo test --test it guides"
    );
}
