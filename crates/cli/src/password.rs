//! Where a new password comes from: generated, the `NUANXIN_PASSWORD`
//! environment variable, or the terminal.

use std::io::{BufRead, IsTerminal, Write};

use nuanxin_domain::account::PasswordPolicy;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::cli::PASSWORD_ENV;
use crate::error::UserError;

// No 0/O, 1/l/I: generated passwords are read off a screen and typed in.
const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
// Symbols that survive copy and paste and need no shell quoting.
const SYMBOLS: &[u8] = b"-_.";

/// A random password with all four character classes, so it passes any
/// policy, at least 20 characters (more if the policy asks). From the OS
/// generator, never from a demo seed.
pub fn generate(policy: &PasswordPolicy) -> String {
    let len = policy.min_length.max(20);
    let mut rng = OsRng;
    let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
    let mut out: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS]
        .iter()
        .map(|set| set[rng.gen_range(0..set.len())])
        .collect();
    while out.len() < len {
        out.push(all[rng.gen_range(0..all.len())]);
    }
    out.shuffle(&mut rng);
    String::from_utf8(out).expect("ASCII")
}

/// A password taken from the user.
pub enum Chosen {
    /// Generated here: print it once.
    Generated(String),
    /// Given by the user: never print it.
    Given(String),
}

impl Chosen {
    pub fn as_str(&self) -> &str {
        match self {
            Chosen::Generated(p) | Chosen::Given(p) => p,
        }
    }
}

/// `--generate-password`, else `NUANXIN_PASSWORD`, else asked for on the
/// terminal twice without echo (or read as one line from a pipe).
pub fn choose(generate_flag: bool, policy: &PasswordPolicy) -> Result<Chosen, UserError> {
    if generate_flag {
        return Ok(Chosen::Generated(generate(policy)));
    }
    if let Some(p) = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
        return Ok(Chosen::Given(p));
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| UserError::new(format!("cannot read the password from stdin: {e}")))?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.is_empty() {
            return Err(no_password());
        }
        return Ok(Chosen::Given(p));
    }
    let first = prompt_hidden("New password: ")?;
    if first.is_empty() {
        return Err(no_password());
    }
    let second = prompt_hidden("Repeat the password: ")?;
    if first != second {
        return Err(UserError::new(
            "the two passwords differ; nothing was changed",
        ));
    }
    Ok(Chosen::Given(first))
}

fn no_password() -> UserError {
    UserError::new(format!(
        "no password given: set {PASSWORD_ENV}, type it when asked, pipe it on stdin, or use --generate-password"
    ))
}

/// Reads a line from the terminal with echo off. `stty` is on every Unix
/// terminal this runs on, and spares a terminal-handling dependency; if it
/// fails the input is read anyway rather than refused.
fn prompt_hidden(prompt: &str) -> Result<String, UserError> {
    let echo = |on: bool| {
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(std::process::Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success())
    };
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let hidden = echo(false);
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if hidden {
        echo(true);
        eprintln!();
    }
    read.map_err(|e| UserError::new(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_pass_strict_policies_and_differ() {
        let strict = PasswordPolicy {
            min_length: 24,
            min_classes: 4,
        };
        let a = generate(&strict);
        assert_eq!(a.len(), 24);
        strict.check(&a).unwrap();
        PasswordPolicy::default()
            .check(&generate(&PasswordPolicy::default()))
            .unwrap();
        assert_ne!(generate(&strict), a);
    }
}
