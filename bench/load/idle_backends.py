# Backends that accept and hold connections, never reading: idle API servers for
# idle-memory.sh. Usage: idle_backends.py PORT... (stops by itself after 15 minutes).
import selectors, socket, sys, time
sel = selectors.DefaultSelector()
held = []
for p in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p))); s.listen(4096); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
deadline = time.monotonic() + 900
while time.monotonic() < deadline:
    for key, _ in sel.select(1.0):
        try:
            c, _ = key.fileobj.accept(); held.append(c)
        except OSError:
            pass
