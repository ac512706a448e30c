//! @mentions in text: the edges a post makes.
//!
//! A mention is `@` followed by letters, digits, `_` or `.` (Instagram allows dots), not
//! preceded by a letter, digit or `_` so that `anna@example.com` is an email, not a mention. A
//! trailing dot ends the sentence, not the handle. Handles are compared case-folded and without
//! their `@` ([`normalise_handle`]), as the platforms do.

/// The handles mentioned in `text`, without their `@`, as written.
pub fn mentions(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    let mut previous: Option<char> = None;
    std::iter::from_fn(move || loop {
        let at = rest.find('@')?;
        let before = rest[..at].chars().next_back().or(previous);
        let after = &rest[at + 1..];
        let length = after
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(after.len(), |(idx, _)| idx);
        let handle = after[..length].trim_end_matches('.');
        previous = Some('@');
        rest = &after[length..];
        if length > 0 {
            previous = after[..length].chars().next_back();
        }
        let attached = before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !attached && !handle.is_empty() {
            return Some(handle);
        }
    })
}

/// A handle as compared: trimmed, without a leading `@`, case-folded.
pub fn normalise_handle(handle: &str) -> String {
    let handle = handle.trim();
    handle.strip_prefix('@').unwrap_or(handle).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[&str]) {
        assert_eq!(mentions(text).collect::<Vec<_>>(), expect, "{text:?}");
    }

    #[test]
    fn finds_handles_and_skips_emails() {
        check("@Northwind_Outdoor love it", &["Northwind_Outdoor"]);
        check("thanks @anna.b. and @bo!", &["anna.b", "bo"]);
        check("mail anna@example.com", &[]);
        check("@ alone, @@x, a@b @c", &["x", "c"]);
        check("(@zoë) «@ünal»", &["zoë", "ünal"]);
        check("", &[]);
    }

    #[test]
    fn normalised_handles_lose_their_at_and_case() {
        assert_eq!(normalise_handle(" @Anna_B "), "anna_b");
        assert_eq!(normalise_handle("anna_b"), "anna_b");
    }
}
