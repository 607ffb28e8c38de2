//! Who owns the other end of a loopback TCP connection. The endpoint
//! refuses other users' connections before they cost it anything, and
//! rolehop's own client refuses to talk to a listener that is not the
//! user's (a port freed by an ended `exec` can be bound by anyone).
//!
//! On Linux the kernel's socket diagnostics (`NETLINK_SOCK_DIAG`) answer for
//! one socket by its exact address pair: one round trip, whatever the number
//! of sockets on the machine (reading `/proc/net/tcp` costs a line per socket,
//! which a flood makes large). Elsewhere there is no cheap answer and no check.

use std::net::SocketAddrV4;

/// Whether a socket of `uid` may talk to us: our own user, or root (who can
/// read our memory anyway; `sudo -E aws ...` in a live shell is root).
pub fn trusted(uid: u32) -> bool {
    uid == own_uid() || uid == 0
}

pub fn own_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The owner of the socket whose local end is `local` and remote end
/// `remote`. For an accepted connection, the socket at the *client's* end is
/// `(peer, our address)`; for a client, the server's end is `(server, ours)`,
/// which the kernel gives the listener's owner. `None` where it cannot be told.
pub fn socket_uid(local: SocketAddrV4, remote: SocketAddrV4) -> Option<u32> {
    imp::socket_uid(local, remote).ok()
}

#[cfg(target_os = "linux")]
mod imp {
    use std::io;
    use std::net::SocketAddrV4;

    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const NLMSG_ERROR: u16 = 2;
    const NLM_F_REQUEST: u16 = 1;
    const NO_COOKIE: u32 = !0;

    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Header {
        len: u32,
        kind: u16,
        flags: u16,
        seq: u32,
        pid: u32,
    }

    /// `struct inet_diag_sockid`: ports and addresses in network order.
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct SockId {
        sport: [u8; 2],
        dport: [u8; 2],
        src: [u32; 4],
        dst: [u32; 4],
        interface: u32,
        cookie: [u32; 2],
    }

    /// `struct inet_diag_req_v2` behind its netlink header.
    #[repr(C)]
    struct Request {
        header: Header,
        family: u8,
        protocol: u8,
        ext: u8,
        pad: u8,
        states: u32,
        id: SockId,
    }

    /// Where `idiag_uid` sits in the answer: the netlink header (16 bytes),
    /// then `struct inet_diag_msg`'s family, state, timer, retrans (4), the
    /// socket id (48), expires, rqueue, wqueue (12).
    const UID_AT: usize = 16 + 4 + 48 + 12;

    fn addr(a: &SocketAddrV4) -> [u32; 4] {
        [u32::from_ne_bytes(a.ip().octets()), 0, 0, 0]
    }

    /// Closes the netlink socket however the lookup ends.
    struct Fd(libc::c_int);
    impl Drop for Fd {
        fn drop(&mut self) {
            // SAFETY: the descriptor is ours and closed once.
            unsafe { libc::close(self.0) };
        }
    }

    thread_local! {
        /// This thread's netlink socket, kept: opening one per connection
        /// was most of the check's ~20 µs. Dropped after any failure.
        static SOCKET: std::cell::RefCell<Option<(Fd, u32)>> = const { std::cell::RefCell::new(None) };
    }

    pub fn socket_uid(local: SocketAddrV4, remote: SocketAddrV4) -> io::Result<u32> {
        SOCKET.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Some((open()?, 0));
            }
            let Some((fd, seq)) = slot.as_mut() else {
                return Err(io::Error::other("no sock_diag socket"));
            };
            *seq = seq.wrapping_add(1);
            let got = ask(fd, *seq, local, remote);
            if got.is_err() {
                *slot = None;
            }
            got
        })
    }

    fn open() -> io::Result<Fd> {
        // SAFETY: plain socket calls; the descriptor is owned by `Fd`.
        unsafe {
            let fd = libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                libc::NETLINK_SOCK_DIAG,
            );
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            let fd = Fd(fd);
            // The kernel answers at once; never wait long if it does not.
            let limit = libc::timeval {
                tv_sec: 1,
                tv_usec: 0,
            };
            libc::setsockopt(
                fd.0,
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&raw const limit).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
            Ok(fd)
        }
    }

    /// One request on `fd`; an answer to an earlier request (one given up
    /// on) is skipped by its sequence number.
    fn ask(fd: &Fd, seq: u32, local: SocketAddrV4, remote: SocketAddrV4) -> io::Result<u32> {
        let request = Request {
            header: Header {
                len: std::mem::size_of::<Request>() as u32,
                kind: SOCK_DIAG_BY_FAMILY,
                flags: NLM_F_REQUEST,
                seq,
                pid: 0,
            },
            family: libc::AF_INET as u8,
            protocol: libc::IPPROTO_TCP as u8,
            ext: 0,
            pad: 0,
            states: !0,
            id: SockId {
                sport: local.port().to_be_bytes(),
                dport: remote.port().to_be_bytes(),
                src: addr(&local),
                dst: addr(&remote),
                interface: 0,
                cookie: [NO_COOKIE, NO_COOKIE],
            },
        };
        let size = std::mem::size_of::<Request>();
        // SAFETY: `fd` is an open socket; the buffers are live locals of
        // the sizes given.
        unsafe {
            if libc::send(fd.0, (&raw const request).cast(), size, 0) != size as isize {
                return Err(io::Error::last_os_error());
            }
            for _ in 0..4 {
                let mut answer = [0u8; 512];
                let got = libc::recv(fd.0, answer.as_mut_ptr().cast(), answer.len(), 0);
                if got < 0 {
                    return Err(io::Error::last_os_error());
                }
                let answer = &answer[..got as usize];
                let their_seq = answer
                    .get(8..12)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_ne_bytes);
                if their_seq == Some(seq) {
                    return parse(answer);
                }
            }
        }
        Err(io::Error::other("no sock_diag answer to this request"))
    }

    fn parse(answer: &[u8]) -> io::Result<u32> {
        let word = |at: usize| -> io::Result<[u8; 4]> {
            answer
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| io::Error::other("short sock_diag answer"))
        };
        let kind = u16::from_ne_bytes([
            answer.get(4).copied().unwrap_or(0),
            answer.get(5).copied().unwrap_or(0),
        ]);
        match kind {
            SOCK_DIAG_BY_FAMILY => Ok(u32::from_ne_bytes(word(UID_AT)?)),
            NLMSG_ERROR => {
                let errno = i32::from_ne_bytes(word(16)?);
                Err(io::Error::from_raw_os_error(-errno))
            }
            _ => Err(io::Error::other("unexpected sock_diag answer")),
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::net::SocketAddrV4;
    pub fn socket_uid(_: SocketAddrV4, _: SocketAddrV4) -> std::io::Result<u32> {
        Err(std::io::Error::other("not on this platform"))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener, TcpStream};

    fn v4(a: std::net::SocketAddr) -> SocketAddrV4 {
        match a {
            std::net::SocketAddr::V4(a) => a,
            std::net::SocketAddr::V6(_) => panic!("not IPv4"),
        }
    }

    #[test]
    fn both_ends_of_a_loopback_connection_are_ours() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let server = v4(listener.local_addr().unwrap());
        let client = TcpStream::connect(server).unwrap();
        let ours = v4(client.local_addr().unwrap());
        // The client's socket, as the server sees its peer (before accept).
        assert_eq!(socket_uid(ours, server), Some(own_uid()));
        // The server's end, as the client sees it.
        assert_eq!(socket_uid(server, ours), Some(own_uid()));
        let (_accepted, peer) = listener.accept().unwrap();
        assert_eq!(v4(peer), ours);
        assert!(trusted(socket_uid(v4(peer), server).unwrap()));
    }

    #[test]
    fn a_socket_that_does_not_exist_has_no_owner() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let server = v4(listener.local_addr().unwrap());
        let nobody = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1);
        assert_eq!(socket_uid(nobody, server), None);
    }
}
