//! Where two versions of a sequence (a file's instructions before and after an edit) stay the same.

/// How many items at the start and at the end of an old and a new sequence (of `old` and `new` items) are
/// the same, by `same(old_index, new_index)`, without the two ends overlapping: what an edit (one
/// contiguous change) left as it was around it.
pub fn unchanged_ends(
    old: usize,
    new: usize,
    same: impl Fn(usize, usize) -> bool,
) -> (usize, usize) {
    let mut prefix = 0;
    while prefix < old.min(new) && same(prefix, prefix) {
        prefix += 1;
    }
    let mut suffix = 0;
    while suffix < (old - prefix).min(new - prefix) && same(old - 1 - suffix, new - 1 - suffix) {
        suffix += 1;
    }
    (prefix, suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(old: &[u8], new: &[u8]) -> (usize, usize) {
        unchanged_ends(old.len(), new.len(), |o, n| old[o] == new[n])
    }

    #[test]
    fn the_ends_around_one_change_never_overlap() {
        assert_eq!(ends(b"abcde", b"abXde"), (2, 2));
        assert_eq!(ends(b"abcde", b"abde"), (2, 2));
        assert_eq!(ends(b"abcde", b"abccde"), (3, 2));
        assert_eq!(ends(b"aaa", b"aaaa"), (3, 0));
        assert_eq!(ends(b"", b"ab"), (0, 0));
        assert_eq!(ends(b"ab", b"ab"), (2, 0));
    }
}
