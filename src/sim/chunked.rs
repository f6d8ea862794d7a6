//! `Chunked`, a vector kept in shared chunks, so that a copy of a network costs a list of
//! pointers and an edit of the copy copies only the chunks it touches.
//!
//! A run and the base network it started from (kept for undo) share one network until the
//! first edit. With plain vectors that edit copied all of it: at Bitcoin's size 110,000
//! adjacency lists and 1.1 million links, 11-55 ms natively and up to 140 ms in the page.
//! The network keeps its links and adjacency lists here: a copy shares every full chunk, and
//! writing to an element first copies its chunk alone if another copy still holds it
//! ([`Arc::get_mut`] tells). Reading costs one more indirection than a vector.
//!
//! Persistent vectors from crates (`im`, `rpds`) are trees of many levels, slower to read in
//! the relay's inner loop; two levels of fixed width are all a network needs.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// Elements in a chunk, as a power of two: 256, so that removing a well-linked peer copies
/// some hundred chunks of a few kilobytes, not the network.
const CHUNK_BITS: u32 = 8;
const CHUNK: usize = 1 << CHUNK_BITS;

/// A growable vector whose clones share its chunks until they are written to.
#[derive(Debug)]
pub struct Chunked<T> {
    /// Full chunks of [`CHUNK`] elements each, shared between copies.
    full: Vec<Arc<[T]>>,
    /// The elements after the full chunks, fewer than [`CHUNK`]; each copy has its own.
    tail: Vec<T>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            full: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T: Clone> Clone for Chunked<T> {
    /// Shares every full chunk: the cost is the list of chunks and the tail, not the elements.
    fn clone(&self) -> Self {
        Chunked {
            full: self.full.clone(),
            tail: self.tail.clone(),
        }
    }
}

impl<T: Clone> Chunked<T> {
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element at `index`, if there is one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        match self.full.get(index >> CHUNK_BITS) {
            Some(chunk) => chunk.get(index & (CHUNK - 1)),
            None => self.tail.get(index - self.full.len() * CHUNK),
        }
    }

    /// The element at `index` to change, if there is one; its chunk is copied first if
    /// another copy shares it.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let shared = self.full.len() * CHUNK;
        let Some(chunk) = self.full.get_mut(index >> CHUNK_BITS) else {
            return self.tail.get_mut(index - shared);
        };
        if Arc::get_mut(chunk).is_none() {
            *chunk = chunk.to_vec().into();
        }
        Arc::get_mut(chunk)?.get_mut(index & (CHUNK - 1))
    }

    /// Appends an element.
    pub fn push(&mut self, value: T) {
        if self.tail.capacity() == 0 {
            // A tail grown from empty would reallocate seven times on its way to a chunk.
            self.tail.reserve_exact(CHUNK);
        }
        self.tail.push(value);
        if self.tail.len() == CHUNK {
            let chunk: Arc<[T]> = std::mem::take(&mut self.tail).into();
            self.full.push(chunk);
        }
    }

    /// The elements in order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            chunks: self.full.iter(),
            current: [].iter(),
            tail: &self.tail,
        }
    }
}

/// The elements of a [`Chunked`] in order.
pub struct Iter<'a, T> {
    chunks: std::slice::Iter<'a, Arc<[T]>>,
    current: std::slice::Iter<'a, T>,
    tail: &'a [T],
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    // Not inlined: the network's many loops over its links would each carry a copy, and the
    // page's code is kept small.
    #[inline(never)]
    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            self.current = match self.chunks.next() {
                Some(chunk) => chunk.iter(),
                None if !self.tail.is_empty() => std::mem::take(&mut self.tail).iter(),
                None => return None,
            };
        }
    }
}

impl<T: Clone> Index<usize> for Chunked<T> {
    type Output = T;

    #[inline]
    fn index(&self, index: usize) -> &T {
        self.get(index).expect("an index within the Chunked")
    }
}

impl<T: Clone> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        self.get_mut(index).expect("an index within the Chunked")
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut chunked = Chunked::default();
        for item in items {
            chunked.push(item);
        }
        chunked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any sequence of pushes and writes, to the original and to a copy taken midway,
        /// leaves each as a plain vector given the same operations would be: a copy never
        /// sees the other's writes.
        #[test]
        fn behaves_like_two_independent_vectors(
            before in proptest::collection::vec(any::<u16>(), 0..700),
            writes in proptest::collection::vec((any::<bool>(), any::<usize>(), any::<u16>()), 0..60),
            pushes in proptest::collection::vec((any::<bool>(), any::<u16>()), 0..300),
        ) {
            let mut chunked: Chunked<u16> = before.iter().copied().collect();
            let mut plain = before.clone();
            let mut copy = chunked.clone();
            let mut plain_copy = plain.clone();
            for (to_copy, at, value) in writes {
                let (c, p) = if to_copy { (&mut copy, &mut plain_copy) } else { (&mut chunked, &mut plain) };
                if p.is_empty() {
                    prop_assert!(c.get_mut(at).is_none());
                    continue;
                }
                let at = at % p.len();
                p[at] = value;
                if value % 2 == 0 { c[at] = value } else { *c.get_mut(at).unwrap() = value }
            }
            for (to_copy, value) in pushes {
                let (c, p) = if to_copy { (&mut copy, &mut plain_copy) } else { (&mut chunked, &mut plain) };
                c.push(value);
                p.push(value);
            }
            for (c, p) in [(&chunked, &plain), (&copy, &plain_copy)] {
                prop_assert_eq!(c.len(), p.len());
                prop_assert_eq!(c.iter().copied().collect::<Vec<_>>(), p.clone());
                for (i, value) in p.iter().enumerate() {
                    prop_assert_eq!(c.get(i), Some(value));
                    prop_assert_eq!(c[i], *value);
                }
                prop_assert_eq!(c.get(p.len()), None);
            }
        }
    }

    #[test]
    fn a_write_to_a_copy_copies_one_chunk() {
        let original: Chunked<u32> = (0..10 * CHUNK as u32).collect();
        let mut copy = original.clone();
        copy[3 * CHUNK + 5] = 7;
        let shared = (0..10)
            .filter(|&c| Arc::ptr_eq(&original.full[c], &copy.full[c]))
            .count();
        assert_eq!(shared, 9);
        assert_eq!(original[3 * CHUNK + 5], 3 * CHUNK as u32 + 5);
        assert_eq!(copy[3 * CHUNK + 5], 7);
    }
}
