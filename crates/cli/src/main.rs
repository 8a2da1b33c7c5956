//! `nuanxin`: see the library crate for everything it does.

fn main() -> std::process::ExitCode {
    nuanxin::main()
}
