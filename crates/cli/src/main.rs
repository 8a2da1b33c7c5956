//! `nuanxin`: see the library crate for everything it does.

// mimalloc instead of the system allocator: the server and the roster
// import allocate on one thread and free on another all the time, where
// glibc's arenas spend their time consolidating and locking (measured in
// BENCHMARKS.md, "Roster import").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    nuanxin::main()
}
