//! Numbers as people read them.

/// `12345` → `"12,345"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (digit_idx, digit) in digits.chars().enumerate() {
        if digit_idx > 0 && (digits.len() - digit_idx).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `0.456` → `"46%"`.
pub fn percent(fraction: f32) -> String {
    format!("{:.0}%", (fraction.clamp(0.0, 1.0) * 100.0).floor())
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_group_thousands() {
        for (n, expect) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (10_000, "10,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(super::count(n), expect);
        }
    }

    #[test]
    fn percents_never_claim_done_early() {
        assert_eq!(super::percent(0.999), "99%");
        assert_eq!(super::percent(1.0), "100%");
        assert_eq!(super::percent(-1.0), "0%");
    }
}
