//! Helpers for the crates that own a local server process (`jeju-arcadedb`, `jeju-llm`).

use std::path::Path;

/// Is a process with this pid running (and not a zombie)? Linux `/proc` only.
pub fn pid_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

/// The command line of a live process: its arguments as `/proc/PID/cmdline` lists them
/// (split at the NULs, lossily decoded). `None` when no such process runs (or it is a zombie,
/// or its command line cannot be read). Linux `/proc` only.
pub fn cmdline(pid: u32) -> Option<Vec<String>> {
    if !pid_alive(pid) {
        return None;
    }
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    if raw.is_empty() {
        // A kernel thread, or a process that is exiting.
        return None;
    }
    let raw = raw.strip_suffix(&[0]).unwrap_or(&raw);
    Some(
        raw.split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect(),
    )
}

/// Is `pid` a live process whose command line passes `is_it`? Check this right before every
/// signal to a recorded pid: after the process ended, the kernel may give its pid to an
/// unrelated one.
pub fn pid_runs(pid: u32, is_it: impl FnOnce(&[String]) -> bool) -> bool {
    cmdline(pid).is_some_and(|args| is_it(&args))
}

/// Sends `signal` (`"TERM"`, `"KILL"`, …) to `pid` with `kill(1)`, only if it is still a live
/// process whose command line passes `is_it`. Returns whether the signal was sent.
///
/// Between the check and the signal the process could still end and its pid be reused; that
/// window is microseconds, against the seconds a caller waits between reading a pid file and
/// signalling.
pub fn signal_if(pid: u32, signal: &str, is_it: impl FnOnce(&[String]) -> bool) -> bool {
    if !pid_runs(pid, is_it) {
        return false;
    }
    std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The last `lines` lines of a log file ("" if it cannot be read).
pub fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A TCP port free on loopback right now (for tests that start their own servers).
pub fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_work_on_this_process_and_files() {
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(u32::MAX));
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("x.log");
        std::fs::write(&log, "a\nb\nc\n").unwrap();
        assert_eq!(log_tail(&log, 2), "b\nc");
        assert_eq!(log_tail(&dir.path().join("missing"), 2), "");
        assert!(free_port().unwrap() > 0);
    }

    #[test]
    fn command_lines_and_checked_signals() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        // `spawn` returns while the kernel may still be setting up the new program's
        // arguments (the command line reads empty for that moment).
        let mut args = cmdline(pid);
        for _ in 0..200 {
            if args.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            args = cmdline(pid);
        }
        assert_eq!(args.unwrap(), ["sleep".to_string(), "30".to_string()]);
        assert!(pid_runs(pid, |args| args[0] == "sleep"));
        assert!(!pid_runs(pid, |args| args.iter().any(|a| a == "server")));
        assert_eq!(cmdline(u32::MAX), None);
        assert!(!pid_runs(u32::MAX, |_| true));
        // The wrong command line: no signal, the process runs on.
        assert!(!signal_if(pid, "KILL", |args| args[0] == "java"));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(child.try_wait().unwrap().is_none());
        // The right one: signalled.
        assert!(signal_if(pid, "TERM", |args| args[0] == "sleep"));
        let status = child.wait().unwrap();
        assert!(!status.success());
        // Ended and reaped: no command line (and so nothing that `signal_if` would signal).
        assert_eq!(cmdline(pid), None);
    }
}

/// A child process that is killed and reaped when this value is dropped, unless it was
/// detached first (a server started to outlive the command).
#[derive(Debug, Default)]
pub struct OwnedChild(Option<std::process::Child>);

impl OwnedChild {
    pub fn new(child: std::process::Child) -> OwnedChild {
        OwnedChild(Some(child))
    }

    /// The pid, while owned.
    pub fn id(&self) -> Option<u32> {
        self.0.as_ref().map(std::process::Child::id)
    }

    /// The exit status if the process has ended (it is then no longer owned).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        let status = self.0.as_mut()?.try_wait().ok()??;
        self.0 = None;
        Some(status)
    }

    /// Lets the process run on after this value is dropped.
    pub fn detach(&mut self) {
        self.0 = None;
    }

    /// Kills and reaps the process now.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnedChild {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod child_tests {
    use super::*;

    #[test]
    fn owned_children_die_with_their_owner_and_detached_ones_do_not() {
        let child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        let owned = OwnedChild::new(child);
        assert_eq!(owned.id(), Some(pid));
        drop(owned);
        assert!(!pid_alive(pid));

        let mut quick = OwnedChild::new(std::process::Command::new("true").spawn().unwrap());
        let mut status = None;
        for _ in 0..100 {
            status = quick.exited();
            if status.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(status.is_some_and(|s| s.success()));
        assert_eq!(quick.id(), None);

        let child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut detached = OwnedChild::new(child);
        detached.detach();
        drop(detached);
        assert!(pid_alive(pid));
        let _ = std::process::Command::new("kill")
            .arg(pid.to_string())
            .status();
    }
}

/// Why [`spawn_logged`] failed: the file or folder it could not create, or the spawn itself.
#[derive(Debug)]
pub struct SpawnError {
    /// The path that could not be created (`None`: the process could not be started).
    pub path: Option<std::path::PathBuf>,
    pub source: std::io::Error,
}

/// Starts `cmd` in `dir` (created if missing) with stdout and stderr going to `log`
/// (truncated). A `detached` process gets its own process group, so a Ctrl-C in the terminal
/// that started it does not reach it.
pub fn spawn_logged(
    mut cmd: std::process::Command,
    dir: &Path,
    log: &Path,
    detached: bool,
) -> Result<std::process::Child, SpawnError> {
    use std::os::unix::process::CommandExt;
    let at = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SpawnError {
            path: Some(path),
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(at(dir))?;
    let out = std::fs::File::create(log).map_err(at(log))?;
    let err = out.try_clone().map_err(at(log))?;
    cmd.stdout(out).stderr(err).current_dir(dir);
    if detached {
        cmd.process_group(0);
    }
    cmd.spawn()
        .map_err(|source| SpawnError { path: None, source })
}
