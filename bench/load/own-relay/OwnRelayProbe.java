package io.netty.channel.epoll;

import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * A measurement probe, not part of vipd: the least a Java relay on Netty's native epoll layer costs
 * per connection with no Netty channels, pipelines or promises, to put beside vipd (Netty's
 * channels) and haproxy in the load lab (see lab.sh and bench/load/README.md, "An own transport,
 * measured"). Single-threaded, edge-triggered, round robin over the backends, one direct buffer
 * per direction, FIN forwarded, data and FIN corked into one segment; no timeouts, stats, limits
 * or retries.
 *
 * <p>-Dprobe.port (default 18452), -Dprobe.backends=h:p,h:p,... (default 127.0.0.1:16443..16445).
 * -Dprobe.drain=true reads until EAGAIN as Netty does (default: a short read ends the pass, and a
 * short read after EPOLLRDHUP is the end of stream, as haproxy reads).
 */
public final class OwnRelayProbe {
    static final int BUF = Integer.getInteger("probe.buf", 16384);
    static final boolean DRAIN = Boolean.getBoolean("probe.drain");
    static final boolean CORK = !Boolean.getBoolean("probe.nocork");
    static final boolean CLOSE_FIN = !Boolean.getBoolean("probe.twoshutdowns");
    static final int IN = Native.EPOLLIN, OUT = Native.EPOLLOUT, RDHUP = Native.EPOLLRDHUP, ET = Native.EPOLLET,
            ERR = Native.EPOLLERR, HUP = 0x10;

    /** One direction: bytes read from src, pending in buf[head, tail), written to dst. */
    static final class Pipe {
        LinuxSocket src, dst;
        int dstFd;
        long buf;
        int head, tail;
        boolean readable, rdhup, eof, shut, dstReady, dstOutReg, corked;
        Pipe other;

        void reset() {
            src = dst = null; dstFd = -1; buf = 0; head = tail = 0;
            readable = rdhup = eof = shut = dstReady = dstOutReg = corked = false;
        }
    }

    static final class Session {
        LinuxSocket c, s;
        int cfd = -1, sfd = -1;
        boolean connected, dead;
        final Pipe up = new Pipe(), down = new Pipe();   // up: client -> server, down: server -> client
        { up.other = down; down.other = up; }
        Session nextFree;
    }

    private final FileDescriptor epfd = Native.newEpollCreate();
    private final EpollEventArray events = new EpollEventArray(256);
    private final LinuxSocket listener;
    private final int lfd;
    private Session[] byFd = new Session[65536];
    private final InetSocketAddress[] backends;
    private int rr;
    private final byte[] acceptAddr = new byte[26];
    // buffer free list (addresses); the ByteBuffers are kept reachable in 'keep'
    private long[] freeBufs = new long[256];
    private int nFreeBufs;
    private final ArrayList<ByteBuffer> keep = new ArrayList<>();
    private Session freeSessions;
    private Session[] closeQ = new Session[256];
    private int nClose;
    final java.util.concurrent.ConcurrentHashMap<String, Integer> errKinds = new java.util.concurrent.ConcurrentHashMap<>();
    volatile long accepted, closed, errors, live;

    OwnRelayProbe(InetSocketAddress bind, InetSocketAddress[] backends) throws IOException {
        this.backends = backends;
        listener = LinuxSocket.newSocketStream(false);
        listener.setReuseAddress(true);
        listener.setTcpNoDelay(true);          // inherited by accepted sockets
        listener.bind(bind);
        listener.listen(4096);
        lfd = listener.intValue();
        Native.epollCtlAdd(epfd.intValue(), lfd, IN | ET);
    }

    private long allocBuf() {
        if (nFreeBufs > 0) return freeBufs[--nFreeBufs];
        ByteBuffer bb = Buffer.allocateDirectWithNativeOrder(BUF);
        keep.add(bb);
        return Buffer.memoryAddress(bb);
    }

    private void freeBuf(long addr) {
        if (addr == 0) return;
        if (nFreeBufs == freeBufs.length) freeBufs = java.util.Arrays.copyOf(freeBufs, nFreeBufs * 2);
        freeBufs[nFreeBufs++] = addr;
    }

    private void put(int fd, Session s) {
        if (fd >= byFd.length) byFd = java.util.Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        byFd[fd] = s;
    }

    void run() {
        final int efd = epfd.intValue();
        for (;;) {
            int n;
            try {
                n = Native.epollWait(epfd, events, -1);
            } catch (IOException e) {
                continue;   // EINTR
            }
            for (int i = 0; i < n; i++) {
                int fd = events.fd(i);
                int ev = events.events(i);
                if (fd == lfd) {
                    acceptAll(efd);
                    continue;
                }
                Session ss = byFd[fd];
                if (ss == null || ss.dead) continue;
                try {
                    handle(efd, ss, fd, ev);
                } catch (Exception e) {         // IOException, or e.g. NotYetConnectedException (ENOTCONN)
                    errors++;
                    errKinds.merge(e.toString(), 1, Integer::sum);
                    kill(ss);
                }
            }
            // closes are deferred to the end of the batch so that a stale event for a closed fd later in the
            // same batch can never hit a new session that reused the fd number
            for (int i = 0; i < nClose; i++) {
                close(closeQ[i]);
                closeQ[i] = null;
            }
            nClose = 0;
            if (n == events.length()) events.increase();
        }
    }

    private void handle(int efd, Session ss, int fd, int ev) throws IOException {
        if ((ev & ERR) != 0) {
            errors++;
            kill(ss);
            return;
        }
        if (fd == ss.cfd) {
            if ((ev & (IN | RDHUP | HUP)) != 0) {
                Pipe p = ss.up;
                p.readable = true;
                if ((ev & RDHUP) != 0) p.rdhup = true;
                pump(efd, p);
            }
            if ((ev & OUT) != 0) pump(efd, ss.down);
        } else {
            if (!ss.connected) {
                if ((ev & (OUT | HUP)) == 0) return;
                if (!ss.s.finishConnect()) return;
                ss.connected = true;
                ss.up.dstReady = true;
                pump(efd, ss.up);            // flush what the client already sent
            } else if ((ev & OUT) != 0) {
                pump(efd, ss.up);
            }
            if ((ev & (IN | RDHUP | HUP)) != 0) {
                Pipe p = ss.down;
                p.readable = true;
                if ((ev & RDHUP) != 0) p.rdhup = true;
                pump(efd, p);
            }
        }
        if (ss.up.shut && ss.down.shut) kill(ss);
    }

    private void pump(int efd, Pipe p) throws IOException {
        for (;;) {
            if (p.head < p.tail) {
                if (!p.dstReady) return;
                int want = p.tail - p.head;
                if (CORK && p.eof && !p.corked) {
                    // the FIN follows this data at once: hold the last partial segment so data and FIN
                    // leave together (the shutdown below pushes it), as vipd and haproxy do
                    p.dst.setTcpCork(true);
                    p.corked = true;
                }
                int w = p.dst.writeAddress(p.buf, p.head, p.tail);
                if (w < want) {                 // partial write or EAGAIN: keep the rest, wait for EPOLLOUT
                    p.head += w;
                    if (!p.dstOutReg) {
                        Native.epollCtlMod(efd, p.dstFd, IN | OUT | RDHUP | ET);
                        p.dstOutReg = true;
                    }
                    return;
                }
                p.head = p.tail = 0;
            }
            if (p.eof || !p.readable) break;
            int space = BUF - p.tail;
            int r = p.src.readAddress(p.buf, p.tail, BUF);
            if (r > 0) {
                p.tail += r;
                if (r < space && !DRAIN) {      // short read: socket drained (a new edge comes with new data)
                    p.readable = false;
                    if (p.rdhup) p.eof = true;  // FIN already received and everything before it consumed
                }
            } else if (r < 0) {
                p.eof = true;                   // EOF
            } else {
                p.readable = false;             // EAGAIN
            }
        }
        if (p.eof && p.dstReady && !p.shut) {
            // forward the FIN; if the other direction is already done, the close that follows sends it
            // (dst's input reached EOF and was read out, so close sends FIN, not RST)
            if (!CLOSE_FIN || !p.other.shut) p.dst.shutdown(false, true);
            p.shut = true;
        }
    }

    private void acceptAll(int efd) {
        for (;;) {
            int fd;
            try {
                fd = listener.accept(acceptAddr);
            } catch (IOException e) {
                errors++;
                return;                          // EMFILE etc.
            }
            if (fd < 0) return;                  // EAGAIN
            accepted++;
            live++;
            Session ss = freeSessions;
            if (ss != null) freeSessions = ss.nextFree; else ss = new Session();
            ss.nextFree = null;
            ss.dead = false;
            ss.connected = false;
            ss.cfd = fd;
            ss.c = LinuxSocket.newSocket(fd);
            put(fd, ss);
            try {
                LinuxSocket s = LinuxSocket.newSocketStream(false);
                ss.s = s;
                ss.sfd = s.intValue();
                put(ss.sfd, ss);
                s.setTcpNoDelay(true);
                Pipe up = ss.up, down = ss.down;
                up.src = ss.c; up.dst = s; up.dstFd = ss.sfd; up.buf = allocBuf();
                down.src = s; down.dst = ss.c; down.dstFd = fd; down.buf = allocBuf(); down.dstReady = true;
                Native.epollCtlAdd(efd, fd, IN | RDHUP | ET);
                Native.epollCtlAdd(efd, ss.sfd, IN | OUT | RDHUP | ET);   // EPOLLOUT stays: no MOD after connect
                up.dstOutReg = true;
                InetSocketAddress b = backends[rr];
                if (++rr == backends.length) rr = 0;
                if (s.connect(b)) {
                    ss.connected = true;
                    up.dstReady = true;
                }
            } catch (Exception e) {
                errors++;
                kill(ss);
            }
        }
    }

    private void kill(Session ss) {
        if (ss.dead) return;
        ss.dead = true;
        if (nClose == closeQ.length) closeQ = java.util.Arrays.copyOf(closeQ, nClose * 2);
        closeQ[nClose++] = ss;
    }

    private void close(Session ss) {
        if (ss.cfd >= 0) { byFd[ss.cfd] = null; closeQuietly(ss.c); }
        if (ss.sfd >= 0) { byFd[ss.sfd] = null; closeQuietly(ss.s); }
        freeBuf(ss.up.buf);
        freeBuf(ss.down.buf);
        ss.up.reset();
        ss.down.reset();
        ss.c = ss.s = null;
        ss.cfd = ss.sfd = -1;
        ss.nextFree = freeSessions;
        freeSessions = ss;
        closed++;
        live--;
    }

    private static void closeQuietly(LinuxSocket s) {
        if (s == null) return;
        try { s.close(); } catch (IOException ignore) { }
    }

    public static void main(String[] args) throws Exception {
        Epoll.ensureAvailability();
        int port = Integer.getInteger("probe.port", 18452);
        String list = System.getProperty("probe.backends", "127.0.0.1:16443,127.0.0.1:16444,127.0.0.1:16445");
        String[] parts = list.split(",");
        InetSocketAddress[] be = new InetSocketAddress[parts.length];
        for (int i = 0; i < parts.length; i++) {
            int colon = parts[i].lastIndexOf(':');
            be[i] = new InetSocketAddress(parts[i].substring(0, colon), Integer.parseInt(parts[i].substring(colon + 1)));
        }
        OwnRelayProbe r = new OwnRelayProbe(new InetSocketAddress("127.0.0.1", port), be);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(
                "probe: accepted=" + r.accepted + " closed=" + r.closed + " errors=" + r.errors + " live=" + r.live + " " + r.errKinds)));
        System.err.println("probe: listening on 127.0.0.1:" + port + " buf=" + BUF + " drain=" + DRAIN + " cork=" + CORK + " closeFin=" + CLOSE_FIN);
        r.run();
    }
}
