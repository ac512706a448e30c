//! Work shared among the machine's cores, natively; one after another in the browser.
//!
//! Comparing random pairs (for u) and candidate pairs is most of a resolution's time, and each
//! piece is independent of the others. The pieces are split into contiguous ranges, one per
//! thread, and their results come back in range order, so a resolution is the same bit for bit
//! whatever the number of threads. wasm32 has no threads here (the worker runs the core on its
//! one thread), so there every range runs on the caller's thread.

use std::ops::Range;

/// `work` over `items` split into at most `n_threads` contiguous ranges, the results in order.
/// With one thread (or one item, or on wasm32) it is `vec![work(items)]`.
pub(crate) fn map_chunks<T: Send>(
    items: Range<usize>,
    n_threads: usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    let n_items = items.len();
    let n_threads = n_threads.clamp(1, n_items.max(1));
    if n_threads == 1 || cfg!(target_arch = "wasm32") {
        return vec![work(items)];
    }
    let per_thread = n_items.div_ceil(n_threads);
    let ranges: Vec<Range<usize>> = (0..n_threads)
        .map(|thread| {
            let start = items.start + thread * per_thread;
            start.min(items.end)..(start + per_thread).min(items.end)
        })
        .filter(|range| !range.is_empty())
        .collect();
    let work = &work;
    let mut ranges = ranges.into_iter();
    let first = ranges.next().unwrap_or(items.start..items.start);
    std::thread::scope(|scope| {
        // The first range on this thread, the others on threads of their own.
        let handles: Vec<_> = ranges
            .map(|range| scope.spawn(move || work(range)))
            .collect();
        let mut results = vec![work(first)];
        for handle in handles {
            results.push(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_items_once_in_order() {
        for n_threads in 1..5 {
            for n_items in 0..9 {
                let parts =
                    map_chunks(3..3 + n_items, n_threads, |range| range.collect::<Vec<_>>());
                let joined: Vec<usize> = parts.into_iter().flatten().collect();
                assert_eq!(
                    joined,
                    (3..3 + n_items).collect::<Vec<_>>(),
                    "{n_threads} threads"
                );
            }
        }
    }
}
