//! What the peer list shows: whether it is open, and how many peers it lists.

/// Networks up to this size open the list until the user opens or closes it.
pub const OPEN_UP_TO: usize = 40;

/// The most peers listed: a button per peer for 110,000 peers would stall the page.
pub const LIST_AT_MOST: usize = 2000;

/// Whether the list is open for a network of `peers`, given the user's choice if they made one.
pub fn is_open(choice: Option<bool>, peers: usize) -> bool {
    choice.unwrap_or(peers <= OPEN_UP_TO)
}

/// The user's choice after the list's `toggle` event found it `now_open`.
///
/// The browser also fires that event when the page itself opens or closes the list (a small
/// network opens it by default), and that is no choice: taken for one, it kept the list open
/// when a class moved on to Bitcoin's whole network, and listing 2,000 peers held the page
/// for most of a second.
pub fn after_toggle(choice: Option<bool>, peers: usize, now_open: bool) -> Option<bool> {
    if choice.is_none() && now_open == is_open(None, peers) {
        None
    } else {
        Some(now_open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_opens_by_itself_only_for_small_networks() {
        assert!(is_open(None, 30));
        assert!(is_open(None, OPEN_UP_TO));
        assert!(!is_open(None, OPEN_UP_TO + 1));
        assert!(!is_open(Some(false), 30));
        assert!(is_open(Some(true), 110_000));
    }

    #[test]
    fn only_a_toggle_the_page_did_not_make_is_a_choice() {
        // The page opened the list of 30 peers: no choice, so 110,000 peers find it closed.
        let choice = after_toggle(None, 30, true);
        assert_eq!(choice, None);
        assert!(!is_open(choice, 110_000));
        // The page closed it on a larger network: still no choice.
        assert_eq!(after_toggle(None, 110_000, false), None);
        // The user closed the small network's list, or opened the large one's: choices.
        assert_eq!(after_toggle(None, 30, false), Some(false));
        assert_eq!(after_toggle(None, 110_000, true), Some(true));
        // A choice once made follows every toggle after it.
        assert_eq!(after_toggle(Some(false), 30, true), Some(true));
        assert_eq!(after_toggle(Some(true), 110_000, false), Some(false));
    }
}
