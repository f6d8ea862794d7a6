//! Number formatting for the page: thousands separators, milliseconds and shares.

/// A whole number with comma thousands separators: `12345` gives `"12,345"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds with one decimal and thousands separators: `1234.56` gives `"1,234.6"`.
pub fn ms(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        return "?".to_string();
    }
    let tenths = (value * 10.0).round() as u64;
    format!("{}.{}", count(tenths / 10), tenths % 10)
}

/// Milliseconds, or a dash when there is no value.
pub fn opt_ms(value: Option<f64>) -> String {
    value.map_or_else(|| "\u{2014}".to_string(), ms)
}

/// `part` as a whole percentage of `whole` (0 when `whole` is 0).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0 %".to_string();
    }
    format!("{:.0} %", part as f64 * 100.0 / whole as f64)
}
