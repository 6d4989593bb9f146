//! Which Lucene `WordDelimiterIterator` character class (LOWER, UPPER, DIGIT, SUBWORD_DELIM) does
//! a character belong to?
//!
//! Lucene classifies Java `char`s (UTF-16 code units): below U+0100 with
//! `Character.isLowerCase/isUpperCase/isDigit`, above with `Character.getType`:
//! `Lu` → UPPER, `Ll` → LOWER, `Lt Lm Lo Mn Mc Me` → ALPHA (both bits), `Nd Nl No` → DIGIT,
//! surrogates → ALPHA|DIGIT, everything else → SUBWORD_DELIM. We reproduce that with Rust's
//! `char` properties plus two small tables for what std does not expose (combining marks and
//! `Other_Lowercase` modifier letters). A supplementary character is two surrogates in Java, both
//! ALPHA|DIGIT, so it never splits a word; we give the whole `char` that class.

/// Lowercase letter.
pub(crate) const LOWER: u8 = 0x01;
/// Uppercase letter.
pub(crate) const UPPER: u8 = 0x02;
/// Digit (any Unicode number).
pub(crate) const DIGIT: u8 = 0x04;
/// Anything that separates subwords (punctuation, symbols, controls, ...).
pub(crate) const SUBWORD_DELIM: u8 = 0x08;
/// A letter whose case does not matter (`LOWER | UPPER`).
pub(crate) const ALPHA: u8 = LOWER | UPPER;
/// What Lucene gives UTF-16 surrogates, i.e. every supplementary character.
const SUPPLEMENTARY: u8 = ALPHA | DIGIT;

/// True when `class` has a letter bit.
pub(crate) fn is_alpha(class: u8) -> bool {
    class & ALPHA != 0
}

/// True when `class` has the digit bit.
pub(crate) fn is_digit(class: u8) -> bool {
    class & DIGIT != 0
}

/// True when `class` is a subword delimiter.
pub(crate) fn is_subword_delim(class: u8) -> bool {
    class & SUBWORD_DELIM != 0
}

/// True when `class` has the uppercase bit.
pub(crate) fn is_upper(class: u8) -> bool {
    class & UPPER != 0
}

/// Lucene's class of `c`.
pub(crate) fn char_class(c: char) -> u8 {
    let cp = u32::from(c);
    if cp < 0x100 {
        // Lucene's DEFAULT_WORD_DELIM_TABLE: isLowerCase (includes ª º), isUpperCase,
        // isDigit (only 0-9 here: ¹ ² ³ ¼ ½ ¾ are delimiters).
        return if c.is_lowercase() {
            LOWER
        } else if c.is_uppercase() {
            UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            SUBWORD_DELIM
        };
    }
    if cp > 0xFFFF {
        return SUPPLEMENTARY;
    }
    if c.is_numeric() {
        // Nd, Nl, No (Roman numerals Ⅰ ⅰ included, which std also calls upper/lower case).
        return DIGIT;
    }
    if in_ranges(cp, COMBINING_MARKS) {
        return ALPHA;
    }
    if (0x24B6..=0x24E9).contains(&cp) {
        // Circled letters Ⓐ..ⓩ are `So` for Java although std calls them cased/alphabetic.
        return SUBWORD_DELIM;
    }
    if c.is_uppercase() {
        return UPPER;
    }
    if c.is_lowercase() {
        // std's `Lowercase` includes `Other_Lowercase` modifier letters (ʰ, ᵃ, ...), which are
        // `Lm`/`Lo` for Java, hence ALPHA.
        return if in_ranges(cp, OTHER_LOWERCASE_LETTERS) {
            ALPHA
        } else {
            LOWER
        };
    }
    if c.is_alphabetic() {
        // Lt, Lm, Lo.
        return ALPHA;
    }
    SUBWORD_DELIM
}

fn in_ranges(cp: u32, ranges: &[(u32, u32)]) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Letters that are `Lm`/`Lo` but carry `Other_Lowercase` (BMP, above U+00FF; Unicode 16).
const OTHER_LOWERCASE_LETTERS: &[(u32, u32)] = &[
    (0x02B0, 0x02B8),
    (0x02C0, 0x02C1),
    (0x02E0, 0x02E4),
    (0x037A, 0x037A),
    (0x10FC, 0x10FC),
    (0x1D2C, 0x1D6A),
    (0x1D78, 0x1D78),
    (0x1D9B, 0x1DBF),
    (0x2071, 0x2071),
    (0x207F, 0x207F),
    (0x2090, 0x209C),
    (0x2C7C, 0x2C7D),
    (0xA69C, 0xA69D),
    (0xA770, 0xA770),
    (0xA7F2, 0xA7F4),
    (0xA7F8, 0xA7F9),
    (0xAB5C, 0xAB5F),
    (0xAB69, 0xAB69),
];

/// General categories `Mn`, `Mc`, `Me` in the BMP above U+00FF (Unicode 14, generated with
/// Python's `unicodedata`): Java calls them letters-ish (ALPHA), std has no such property.
#[rustfmt::skip]
const COMBINING_MARKS: &[(u32, u32)] = &[
    (0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2),
    (0x05C4, 0x05C5), (0x05C7, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670),
    (0x06D6, 0x06DC), (0x06DF, 0x06E4), (0x06E7, 0x06E8), (0x06EA, 0x06ED), (0x0711, 0x0711),
    (0x0730, 0x074A), (0x07A6, 0x07B0), (0x07EB, 0x07F3), (0x07FD, 0x07FD), (0x0816, 0x0819),
    (0x081B, 0x0823), (0x0825, 0x0827), (0x0829, 0x082D), (0x0859, 0x085B), (0x0898, 0x089F),
    (0x08CA, 0x08E1), (0x08E3, 0x0903), (0x093A, 0x093C), (0x093E, 0x094F), (0x0951, 0x0957),
    (0x0962, 0x0963), (0x0981, 0x0983), (0x09BC, 0x09BC), (0x09BE, 0x09C4), (0x09C7, 0x09C8),
    (0x09CB, 0x09CD), (0x09D7, 0x09D7), (0x09E2, 0x09E3), (0x09FE, 0x09FE), (0x0A01, 0x0A03),
    (0x0A3C, 0x0A3C), (0x0A3E, 0x0A42), (0x0A47, 0x0A48), (0x0A4B, 0x0A4D), (0x0A51, 0x0A51),
    (0x0A70, 0x0A71), (0x0A75, 0x0A75), (0x0A81, 0x0A83), (0x0ABC, 0x0ABC), (0x0ABE, 0x0AC5),
    (0x0AC7, 0x0AC9), (0x0ACB, 0x0ACD), (0x0AE2, 0x0AE3), (0x0AFA, 0x0AFF), (0x0B01, 0x0B03),
    (0x0B3C, 0x0B3C), (0x0B3E, 0x0B44), (0x0B47, 0x0B48), (0x0B4B, 0x0B4D), (0x0B55, 0x0B57),
    (0x0B62, 0x0B63), (0x0B82, 0x0B82), (0x0BBE, 0x0BC2), (0x0BC6, 0x0BC8), (0x0BCA, 0x0BCD),
    (0x0BD7, 0x0BD7), (0x0C00, 0x0C04), (0x0C3C, 0x0C3C), (0x0C3E, 0x0C44), (0x0C46, 0x0C48),
    (0x0C4A, 0x0C4D), (0x0C55, 0x0C56), (0x0C62, 0x0C63), (0x0C81, 0x0C83), (0x0CBC, 0x0CBC),
    (0x0CBE, 0x0CC4), (0x0CC6, 0x0CC8), (0x0CCA, 0x0CCD), (0x0CD5, 0x0CD6), (0x0CE2, 0x0CE3),
    (0x0D00, 0x0D03), (0x0D3B, 0x0D3C), (0x0D3E, 0x0D44), (0x0D46, 0x0D48), (0x0D4A, 0x0D4D),
    (0x0D57, 0x0D57), (0x0D62, 0x0D63), (0x0D81, 0x0D83), (0x0DCA, 0x0DCA), (0x0DCF, 0x0DD4),
    (0x0DD6, 0x0DD6), (0x0DD8, 0x0DDF), (0x0DF2, 0x0DF3), (0x0E31, 0x0E31), (0x0E34, 0x0E3A),
    (0x0E47, 0x0E4E), (0x0EB1, 0x0EB1), (0x0EB4, 0x0EBC), (0x0EC8, 0x0ECD), (0x0F18, 0x0F19),
    (0x0F35, 0x0F35), (0x0F37, 0x0F37), (0x0F39, 0x0F39), (0x0F3E, 0x0F3F), (0x0F71, 0x0F84),
    (0x0F86, 0x0F87), (0x0F8D, 0x0F97), (0x0F99, 0x0FBC), (0x0FC6, 0x0FC6), (0x102B, 0x103E),
    (0x1056, 0x1059), (0x105E, 0x1060), (0x1062, 0x1064), (0x1067, 0x106D), (0x1071, 0x1074),
    (0x1082, 0x108D), (0x108F, 0x108F), (0x109A, 0x109D), (0x135D, 0x135F), (0x1712, 0x1715),
    (0x1732, 0x1734), (0x1752, 0x1753), (0x1772, 0x1773), (0x17B4, 0x17D3), (0x17DD, 0x17DD),
    (0x180B, 0x180D), (0x180F, 0x180F), (0x1885, 0x1886), (0x18A9, 0x18A9), (0x1920, 0x192B),
    (0x1930, 0x193B), (0x1A17, 0x1A1B), (0x1A55, 0x1A5E), (0x1A60, 0x1A7C), (0x1A7F, 0x1A7F),
    (0x1AB0, 0x1ACE), (0x1B00, 0x1B04), (0x1B34, 0x1B44), (0x1B6B, 0x1B73), (0x1B80, 0x1B82),
    (0x1BA1, 0x1BAD), (0x1BE6, 0x1BF3), (0x1C24, 0x1C37), (0x1CD0, 0x1CD2), (0x1CD4, 0x1CE8),
    (0x1CED, 0x1CED), (0x1CF4, 0x1CF4), (0x1CF7, 0x1CF9), (0x1DC0, 0x1DFF), (0x20D0, 0x20F0),
    (0x2CEF, 0x2CF1), (0x2D7F, 0x2D7F), (0x2DE0, 0x2DFF), (0x302A, 0x302F), (0x3099, 0x309A),
    (0xA66F, 0xA672), (0xA674, 0xA67D), (0xA69E, 0xA69F), (0xA6F0, 0xA6F1), (0xA802, 0xA802),
    (0xA806, 0xA806), (0xA80B, 0xA80B), (0xA823, 0xA827), (0xA82C, 0xA82C), (0xA880, 0xA881),
    (0xA8B4, 0xA8C5), (0xA8E0, 0xA8F1), (0xA8FF, 0xA8FF), (0xA926, 0xA92D), (0xA947, 0xA953),
    (0xA980, 0xA983), (0xA9B3, 0xA9C0), (0xA9E5, 0xA9E5), (0xAA29, 0xAA36), (0xAA43, 0xAA43),
    (0xAA4C, 0xAA4D), (0xAA7B, 0xAA7D), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB4), (0xAAB7, 0xAAB8),
    (0xAABE, 0xAABF), (0xAAC1, 0xAAC1), (0xAAEB, 0xAAEF), (0xAAF5, 0xAAF6), (0xABE3, 0xABEA),
    (0xABEC, 0xABED), (0xFB1E, 0xFB1E), (0xFE00, 0xFE0F), (0xFE20, 0xFE2F),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_follows_lucene_table() {
        assert_eq!(char_class('a'), LOWER);
        assert_eq!(char_class('ß'), LOWER);
        assert_eq!(char_class('ª'), LOWER);
        assert_eq!(char_class('É'), UPPER);
        assert_eq!(char_class('7'), DIGIT);
        assert_eq!(char_class('²'), SUBWORD_DELIM);
        assert_eq!(char_class('\''), SUBWORD_DELIM);
        assert_eq!(char_class('×'), SUBWORD_DELIM);
        assert_eq!(char_class(' '), SUBWORD_DELIM);
    }

    #[test]
    fn above_latin1_follows_java_general_category() {
        assert_eq!(char_class('Ł'), UPPER);
        assert_eq!(char_class('ł'), LOWER);
        assert_eq!(char_class('ǅ'), ALPHA); // titlecase
        assert_eq!(char_class('ʰ'), ALPHA); // modifier letter, Other_Lowercase
        assert_eq!(char_class('中'), ALPHA);
        assert_eq!(char_class('\u{0301}'), ALPHA); // combining acute
        assert_eq!(char_class('\u{094D}'), ALPHA); // Devanagari virama
        assert_eq!(char_class('٣'), DIGIT);
        assert_eq!(char_class('Ⅻ'), DIGIT);
        assert_eq!(char_class('①'), DIGIT);
        assert_eq!(char_class('Ⓐ'), SUBWORD_DELIM);
        assert_eq!(char_class('€'), SUBWORD_DELIM);
        assert_eq!(char_class('–'), SUBWORD_DELIM);
        assert_eq!(char_class('’'), SUBWORD_DELIM);
        assert_eq!(char_class('\u{00A0}'), SUBWORD_DELIM);
        assert_eq!(char_class('😀'), ALPHA | DIGIT);
    }

    #[test]
    fn tables_are_sorted() {
        for table in [COMBINING_MARKS, OTHER_LOWERCASE_LETTERS] {
            assert!(table.windows(2).all(|w| w[0].1 < w[1].0));
            assert!(table.iter().all(|&(lo, hi)| lo <= hi));
        }
    }
}
