//! A global allocator wrapper that remembers the last allocation it could not satisfy, so that a
//! worker that ran out of memory can say so instead of "unreachable".
//!
//! When the wasm engine asks for memory the browser will not give (`memory.grow` fails), the
//! allocator returns null and Rust aborts, which in wasm is an `unreachable` trap with no message.
//! The web worker (`src/bin/engine_worker.rs`) installs [`Tracking`] as its global allocator; after
//! a trap, `www/worker.js` reads [`Tracking::failed_bytes`] (through the worker's `crash_report`)
//! and tells the page that memory ran out, and how much was asked for.
//!
//! The crate denies `unsafe` code; this module is the one exception, because `GlobalAlloc` is an
//! unsafe trait. It only forwards each call and reads the returned pointer.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Wraps an allocator `A` and records the size of the last allocation it refused.
pub struct Tracking<A> {
    inner: A,
    failed: AtomicUsize,
}

impl<A> Tracking<A> {
    pub const fn new(inner: A) -> Self {
        Self { inner, failed: AtomicUsize::new(0) }
    }

    /// Bytes of the last allocation that failed (0: none has).
    pub fn failed_bytes(&self) -> usize {
        self.failed.load(Ordering::Relaxed)
    }

    fn record(&self, ptr: *mut u8, bytes: usize) -> *mut u8 {
        if ptr.is_null() {
            self.failed.store(bytes.max(1), Ordering::Relaxed);
        }
        ptr
    }
}

// SAFETY: every call is forwarded unchanged to `inner`, which upholds GlobalAlloc's contract; the
// wrapper only reads the result.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Tracking<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.record(self.inner.alloc(layout), layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.record(self.inner.alloc_zeroed(layout), layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.inner.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        self.record(self.inner.realloc(ptr, layout, new_size), new_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn a_refused_allocation_is_remembered_with_its_size() {
        let tracking = Tracking::new(System);
        assert_eq!(tracking.failed_bytes(), 0);
        let small = Layout::from_size_align(64, 8).unwrap();
        // SAFETY: a valid non-zero layout; the pointer is freed with the same layout.
        unsafe {
            let p = tracking.alloc(small);
            assert!(!p.is_null());
            tracking.dealloc(p, small);
        }
        assert_eq!(tracking.failed_bytes(), 0, "a granted allocation is not a failure");
        // More than any machine has: the system allocator refuses it.
        let huge = Layout::from_size_align(isize::MAX as usize - 4095, 4096).unwrap();
        // SAFETY: a valid layout; a null result is not dereferenced.
        let p = unsafe { tracking.alloc(huge) };
        assert!(p.is_null());
        assert_eq!(tracking.failed_bytes(), huge.size());
    }
}
