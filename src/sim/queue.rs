//! The event queue: events ordered by virtual time, then by the order they were scheduled.

use std::cell::Cell;
use std::collections::VecDeque;

use crate::sim::time::Time;

/// Buckets of the radix heap: one for "now", one per bit of a `u64` time.
const BUCKETS: usize = 65;

/// The most entries a refill keeps room for when it empties a bucket.
const SPARE_ENTRIES: usize = 4096;

/// A monotone min-queue of events keyed by `(time, sequence)`: a radix heap.
///
/// Discrete-event simulation never schedules into the past, which is what a
/// radix heap needs: an event's bucket is the highest bit in which its time
/// differs from the last time popped, so a push is an append and each event
/// moves only a few times before it is popped. The sequence number makes
/// events at equal times come out in the order they were scheduled.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    /// Events at exactly `base`, in sequence order.
    front: VecDeque<Entry<E>>,
    /// `buckets[i]` holds events whose time differs from `base` first in bit `i - 1`.
    buckets: Vec<Vec<Entry<E>>>,
    /// The time of the last redistribution: no event is earlier.
    base: u64,
    len: usize,
    next_seq: u64,
    /// `(time, sequence)` of the last event popped, or the last time declared past.
    last_popped: (Time, u64),
    /// The earliest time waiting, once computed since the last change.
    cached_min: Cell<Option<Option<Time>>>,
    /// An empty vector whose capacity a refill swaps into the bucket it empties, so that
    /// buckets keep their memory rather than allocate it again for each event (at most
    /// [`SPARE_ENTRIES`] of it: a bucket of a million events lets its memory go).
    spare: Vec<Entry<E>>,
}

#[derive(Clone, Debug)]
struct Entry<E> {
    time: u64,
    seq: u64,
    event: E,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            front: VecDeque::new(),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            base: 0,
            len: 0,
            next_seq: 0,
            last_popped: (Time::ZERO, 0),
            cached_min: Cell::new(None),
            spare: Vec::new(),
        }
    }
}

impl<E> EventQueue<E> {
    fn bucket_of(&self, time: u64) -> usize {
        (u64::BITS - (time ^ self.base).leading_zeros()) as usize
    }

    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: Time, event: E) {
        let seq = self.reserve_seq();
        self.push_with_seq(time, seq, event);
    }

    /// Takes the next sequence number without scheduling anything yet.
    ///
    /// An event pushed later with this number sorts exactly where it would
    /// have sorted had it been pushed now.
    pub fn reserve_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Schedules `event` at `time` under a sequence number from [`EventQueue::reserve_seq`].
    ///
    /// `time` must not be earlier than the last event popped; earlier times
    /// are treated as that time.
    pub fn push_with_seq(&mut self, time: Time, seq: u64, event: E) {
        debug_assert!(time.0 >= self.base, "an event was scheduled in the past");
        let time = time.0.max(self.base);
        let entry = Entry { time, seq, event };
        if time == self.base {
            // Usually the newest sequence number: it goes last.
            let at = self.front.partition_point(|e| e.seq < seq);
            self.front.insert(at, entry);
        } else {
            let bucket = self.bucket_of(time);
            self.buckets[bucket].push(entry);
        }
        self.len += 1;
        if let Some(Some(min)) = self.cached_min.get() {
            self.cached_min.set(Some(Some(min.min(Time(time)))));
        } else {
            self.cached_min.set(None);
        }
    }

    /// Refills `front` from the lowest non-empty bucket, if `front` is empty.
    fn refill_front(&mut self) {
        if !self.front.is_empty() {
            return;
        }
        let Some(lowest) = (1..BUCKETS).find(|&i| !self.buckets[i].is_empty()) else {
            return;
        };
        let mut entries =
            std::mem::replace(&mut self.buckets[lowest], std::mem::take(&mut self.spare));
        self.base = entries
            .iter()
            .map(|e| e.time)
            .min()
            .expect("the bucket is not empty");
        // Each entry goes to `front` or to a bucket below `lowest` (its time now differs
        // from the base in a lower bit), never back to `lowest`.
        for entry in entries.drain(..) {
            if entry.time == self.base {
                self.front.push_back(entry);
            } else {
                let bucket = self.bucket_of(entry.time);
                self.buckets[bucket].push(entry);
            }
        }
        if entries.capacity() <= SPARE_ENTRIES {
            self.spare = entries;
        }
        self.front.make_contiguous().sort_unstable_by_key(|e| e.seq);
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.refill_front();
        let entry = self.front.pop_front()?;
        self.len -= 1;
        self.last_popped = (Time(entry.time), entry.seq);
        self.cached_min.set(if self.front.is_empty() {
            None
        } else {
            Some(Some(Time(self.base)))
        });
        Some((Time(entry.time), entry.event))
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<Time> {
        if let Some(min) = self.cached_min.get() {
            return min;
        }
        let min = if !self.front.is_empty() {
            Some(Time(self.base))
        } else {
            (1..BUCKETS)
                .find(|&i| !self.buckets[i].is_empty())
                .and_then(|i| self.buckets[i].iter().map(|e| Time(e.time)).min())
        };
        self.cached_min.set(Some(min));
        min
    }

    /// Declares every event up to and including `time` past, as when a run
    /// has processed all of them and moved its clock to `time`.
    pub fn mark_past(&mut self, time: Time) {
        self.last_popped = self.last_popped.max((time, u64::MAX));
    }

    /// Whether an event at `(time, seq)` would already have been popped.
    pub fn is_past(&self, time: Time, seq: u64) -> bool {
        (time, seq) <= self.last_popped
    }

    /// Drops every waiting event; sequence numbers and the past stay as they were.
    pub fn clear(&mut self) {
        self.front.clear();
        self.buckets.iter_mut().for_each(Vec::clear);
        self.len = 0;
        self.cached_min.set(Some(None));
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_times_come_out_in_insertion_order() {
        let mut q = EventQueue::default();
        q.push(Time(5), 'c');
        q.push(Time(1), 'a');
        q.push(Time(5), 'd');
        q.push(Time(1), 'b');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
    }

    proptest! {
        /// Against a sorted reference: pops come out by (time, sequence), with
        /// pushes between pops never earlier than the last pop.
        #[test]
        fn pops_in_time_then_sequence_order(ops in proptest::collection::vec((0u64..50, any::<bool>(), any::<bool>()), 1..300)) {
            let mut q = EventQueue::default();
            let mut reference: Vec<(u64, u64)> = Vec::new();
            let mut now = 0u64;
            let mut reserved: Vec<u64> = Vec::new();
            for (delay, pop, late) in ops {
                if pop {
                    prop_assert_eq!(q.peek_time(), reference.iter().min().map(|&(t, _)| Time(t)));
                    let expected = reference.iter().copied().min();
                    let got = q.pop();
                    prop_assert_eq!(got.map(|(t, s)| (t.0, s)), expected);
                    if let Some(e) = expected {
                        reference.retain(|&x| x != e);
                        now = e.0;
                    }
                } else if late {
                    // A reserved number pushed later sorts where it was reserved.
                    reserved.push(q.reserve_seq());
                    if reserved.len() > 1 {
                        let seq = reserved.remove(0);
                        q.push_with_seq(Time(now + delay), seq, seq);
                        reference.push((now + delay, seq));
                    }
                } else {
                    let seq = q.reserve_seq();
                    q.push_with_seq(Time(now + delay), seq, seq);
                    reference.push((now + delay, seq));
                }
                prop_assert_eq!(q.len(), reference.len());
            }
        }
    }
}
