//! Chapter 1: why a future that points into itself must not move, and what
//! `Pin` promises. A value keeps a pointer to its own field, as the state of
//! an `async fn` may keep a reference to one of its locals across an
//! `.await`. Moved, the pointer still points at the old place; pinned in a
//! box, only the box's pointer moves.

use std::cell::Cell;
use std::marker::PhantomPinned;
use std::pin::Pin;

// ANCHOR: self_ref
/// A value that can point into itself.
struct SelfRef {
    data: [u8; 16],
    /// Once set, the address of `data`. A `Cell`, so that it can be set
    /// through `&self`: safe code gets no `&mut` to a pinned `!Unpin` value.
    ptr: Cell<*const u8>,
    /// Makes the type `!Unpin`: pinned, safe code cannot move it again.
    _pinned: PhantomPinned,
}

impl SelfRef {
    fn new() -> SelfRef {
        SelfRef {
            data: [7; 16],
            ptr: Cell::new(std::ptr::null()),
            _pinned: PhantomPinned,
        }
    }

    fn point_at_self(&self) {
        self.ptr.set(self.data.as_ptr());
    }

    fn points_at_self(&self) -> bool {
        self.ptr.get() == self.data.as_ptr()
    }
}
// ANCHOR_END: self_ref

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
#[allow(
    clippy::useless_vec,
    reason = "an array might be built in place; a Vec's buffer is not"
)]
pub fn main() {
    let a = SelfRef::new();
    a.point_at_self();
    println!("before the move, a points at itself: {}", a.points_at_self());
    let moved = vec![a];
    println!("moved into a Vec, it points at itself: {}", moved[0].points_at_self());

    let pinned: Pin<Box<SelfRef>> = Box::pin(SelfRef::new());
    pinned.point_at_self();
    let moved = vec![pinned];
    println!("pinned, moved into a Vec: {}", moved[0].points_at_self());
}
// ANCHOR_END: main
