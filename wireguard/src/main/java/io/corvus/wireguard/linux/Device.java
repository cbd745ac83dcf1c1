package io.corvus.wireguard.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.corvus.wireguard.Cookies;
import io.corvus.wireguard.DeviceConfig;
import io.corvus.wireguard.Handshake;
import io.corvus.wireguard.Identity;
import io.corvus.wireguard.IpPrefix;
import io.corvus.wireguard.Offload;
import io.corvus.wireguard.Packet;
import io.corvus.wireguard.PeerTimers;
import io.corvus.wireguard.Rejected;
import io.corvus.wireguard.ReusedSpace;
import io.corvus.wireguard.Session;
import io.corvus.wireguard.Timestamps;
import io.corvus.wireguard.TransportCiphers;
import io.corvus.wireguard.Uapi;

/**
 * A WireGuard device: a TUN device and a UDP socket joined by the protocol. Packets the kernel
 * routes into the TUN device go to the peer whose allowed IPs hold their destination, sealed in its
 * session (a handshake first when there is none, the packets held meanwhile); datagrams from peers
 * are opened, checked against the sending peer's allowed IPs (cryptokey routing) and written to the
 * TUN device. A peer's endpoint follows the address its last authenticated datagram came from.
 *
 * <p>Many packets go per system call: a TUN read gives a whole TCP segment, cut into packets
 * ({@link Offload}) whose sealed messages leave in one send; one receive takes what has arrived,
 * and the packets of one TCP flow go back to the TUN device joined ({@link UdpSocket}).
 *
 * <p>One platform thread reads the TUN device (its reads block in native code), one reads the
 * socket, one asks each peer's {@link PeerTimers} once a second what is due without a packet
 * (handshake retries and give-up, keepalives, a persistent keepalive's session). Under a flood of
 * initiations it answers with {@link Cookies} instead of its X25519 work, and takes the cookies its
 * peers give it. Dropped datagrams and packets are counted by reason ({@link #drops()}); {@code wg}
 * reads and changes the device through its control socket ({@link UapiSocket}, {@link #configure}).
 */
public final class Device implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Device.class.getName());

    /** The sending side starts a new handshake for a session this old (Rekey-After-Time)... */
    static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);
    /** ...or once the session sealed this many messages (Rekey-After-Messages, 2^60)... */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** ...and no one uses it past this (Reject-After-Time). */
    static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    /** WireGuard's default: 1500 on the underlay less 80 for an outer IPv6 header, UDP and WireGuard's own. */
    public static final int DEFAULT_MTU = 1420;
    /** A system property: how many threads help each device's readers seal and open batches. */
    public static final String CRYPTO_HELPERS_PROPERTY = "corvus.wireguard.crypto-helpers";
    /**
     * None unless the property asks for some: on this project's 2-core machine one helper made the
     * device slower (0.76-0.86× the throughput at 1.13× the CPU per GB, bench/wireguard.sh), the
     * hand-over costing more than it spreads where every core is busy already.
     */
    public static final int DEFAULT_CRYPTO_HELPERS = Integer.getInteger(CRYPTO_HELPERS_PROPERTY, 0);
    private static final int HELD_PACKETS = 64;
    /**
     * More initiations than this in one second and the device is under load until the next second
     * ends: it answers initiations and responses without a valid mac2 with a cookie reply instead of
     * its X25519 work (a peer that proves its address with the cookie is served at once).
     */
    static final int UNDER_LOAD_INITIATIONS_PER_SECOND = 100;
    private static final int MAX_PACKET = 65535;
    /** Received transport messages as they came: opened where they lie, with no room around them. */
    private static final Packet.Room AS_RECEIVED = new Packet.Room(0, 1, 0);
    private static final Packet EMPTY = Packet.of(new byte[0]);

    /** Why a packet or datagram went nowhere, beside the protocol's own reasons. */
    public enum Drop {
        NO_ROUTE, NO_ENDPOINT, SOURCE_NOT_ALLOWED, HELD_TOO_MANY, HANDSHAKE_GAVE_UP, UNKNOWN_PEER,
        /** A packet to send before {@code wg} gave the device its private key. */
        NO_PRIVATE_KEY,
        /** A read of the TUN device that was not a packet or a segment the kernel would write (never seen). */
        MALFORMED_FROM_TUN,
        /** An initiation or response answered with a cookie reply while under load, not processed. */
        ANSWERED_WITH_COOKIE,
        /** A message the kernel would not send to its endpoint (no route, a firewall, IPv6 on a host without it). */
        SEND_REFUSED,
        /** A write to the TUN device the kernel refused (the device set down): its packets went nowhere. Counted per write. */
        TUN_WRITE_REFUSED
    }

    private final long rekeyAfterMessages;
    private final LongAdder handshakesCompleted = new LongAdder();
    private final Tun tun;
    /** Replaced when {@code wg} sets another port; the socket thread then reads the new one. */
    private volatile UdpSocket socket;
    /** Each sending thread's native buffers and the datagrams it gathers for one peer. */
    private final ThreadLocal<Outgoing> outgoing = ThreadLocal.withInitial(Outgoing::new);
    private volatile boolean closed;
    private final Clock clock;
    /** The configuration and its peers' states, replaced whole by {@link #configure}; one change at a time. */
    private volatile Table table;
    private final Object configuring = new Object();
    private final Map<Integer, Route> sessions = new ConcurrentHashMap<>();
    private final Map<Integer, PeerState> handshakes = new ConcurrentHashMap<>();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final Map<Rejected.Reason, LongAdder> rejected = new EnumMap<>(Rejected.Reason.class);
    private final SecureRandom random = new SecureRandom();
    /** Null while the device has no private key. */
    private volatile Cookies.Responder cookies;
    /** Initiations counted in the current second, and the second the device is under load until (socket thread only). */
    private long initiationSecond;
    private int initiationsThisSecond;
    private long underLoadUntilSecond = Long.MIN_VALUE;
    private UapiSocket control;
    /** The reason of the last send or TUN write the kernel refused, logged when it changes. */
    private volatile String lastRefusal = "";
    /** Seals and opens a batch's messages on more than one core. */
    private final CryptoHelpers crypto;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("wg-timers").factory());

    private Device(DeviceConfig config, Tun tun, UdpSocket socket, long rekeyAfterMessages, Clock clock, CryptoHelpers crypto) {
        this.rekeyAfterMessages = rekeyAfterMessages;
        this.crypto = crypto;
        this.tun = tun;
        this.socket = socket;
        this.clock = clock;
        this.table = new Table(config, config.peers().stream().map(PeerState::new).toList());
        this.cookies = config.identity().map(Cookies.Responder::new).orElse(null);
        Arrays.stream(Drop.values()).forEach(drop -> drops.put(drop, new LongAdder()));
        Arrays.stream(Rejected.Reason.values()).forEach(reason -> rejected.put(reason, new LongAdder()));
    }

    /**
     * Opens the TUN device {@code tunName} with this MTU and the socket on the configured port, and starts forwarding;
     * a session is renewed after {@code rekeyAfterMessages} sent ({@link #REKEY_AFTER_MESSAGES}, or fewer in a test).
     * Batches are sealed and opened with the help of {@link #DEFAULT_CRYPTO_HELPERS} threads (none unless asked for), with
     * the cipher {@link TransportCiphers#chosen()} gives.
     *
     * @throws IllegalArgumentException when the setting {@value TransportCiphers#PROPERTY} names a cipher that cannot load
     */
    public static Device start(DeviceConfig config, String tunName, int mtu, long rekeyAfterMessages, Clock clock) throws IOException {
        TransportCiphers.chosen(); // a setting naming a cipher that cannot load fails here, not at the first handshake
        Tun tun = Tun.open(tunName, mtu);
        UdpSocket socket;
        try {
            socket = UdpSocket.bind(config.listenPort());
        } catch (IOException e) {
            tun.close();
            throw e;
        }
        CryptoHelpers crypto = new CryptoHelpers(DEFAULT_CRYPTO_HELPERS, "wg-crypto-" + tunName);
        Device device = new Device(config, tun, socket, rekeyAfterMessages, clock, crypto);
        Thread.ofPlatform().daemon().name("wg-tun-" + tunName).start(device::readTun);
        Thread.ofPlatform().daemon().name("wg-udp-" + tunName).start(device::readSocket);
        device.ticker.scheduleWithFixedDelay(device::tick, 1, 1, TimeUnit.SECONDS);
        try {
            device.control = UapiSocket.open(tunName, device);
        } catch (IOException e) {
            device.close();
            throw e;
        }
        return device;
    }

    /**
     * Carries out a {@code set=1} from {@code wg} ({@link Uapi#set}): all of it, or none when a
     * setting is wrong or the new port is taken. Peers that stay keep their sessions; a new private
     * key ends every session; a removed peer's sessions go with it.
     *
     * @throws IllegalArgumentException saying which setting is wrong
     * @throws IOException when the device cannot listen on the new port
     */
    public void configure(List<String> settings) throws IOException {
        synchronized (configuring) {
            Table before = table;
            Uapi.Change change = Uapi.set(before.config(), settings);
            DeviceConfig after = change.config();
            if (after.listenPort() != 0 && after.listenPort() != port()) {
                rebind(after.listenPort());
            }
            boolean newKey = !before.config().identity().map(Identity::publicKeyBase64)
                    .equals(after.identity().map(Identity::publicKeyBase64));
            if (newKey) {
                cookies = after.identity().map(Cookies.Responder::new).orElse(null);
            }
            Map<String, PeerState> previous = new HashMap<>();
            before.peers().forEach(peer -> previous.put(HexFormat.of().formatHex(peer.config.publicKey()), peer));
            List<PeerState> states = new ArrayList<>();
            for (DeviceConfig.Peer peer : after.peers()) {
                PeerState state = previous.remove(HexFormat.of().formatHex(peer.publicKey()));
                if (state == null) {
                    state = new PeerState(peer);
                } else {
                    state.reconfigure(peer, change.endpointGiven(peer.publicKey()), newKey, sessions, handshakes);
                }
                states.add(state);
            }
            previous.values().forEach(gone -> gone.remove(sessions, handshakes));
            table = new Table(after, states);
        }
    }

    private void rebind(int port) throws IOException {
        UdpSocket fresh = UdpSocket.bind(port);
        UdpSocket old = socket;
        socket = fresh;
        old.close(); // the socket thread's receive ends, and it reads the new socket
    }

    /** The UDP port the device listens on (the configured one, or the one the system chose for 0). */
    public int port() {
        return socket.port();
    }

    /** Counts of what was dropped, by reason, the protocol's reasons prefixed {@code protocol.}. */
    public Map<String, Long> drops() {
        Map<String, Long> counts = new TreeMap<>();
        drops.forEach((drop, count) -> counts.put(drop.name().toLowerCase(Locale.ROOT), count.sum()));
        rejected.forEach((reason, count) -> counts.put("protocol." + reason.name().toLowerCase(Locale.ROOT), count.sum()));
        return counts;
    }

    /** Handshakes completed since the start, as initiator or responder. */
    public long handshakesCompleted() {
        return handshakesCompleted.sum();
    }

    /** What {@code wg show} reads: the key, the port, and each peer with its traffic and last handshake. */
    public Uapi.DeviceStatus status() {
        Table now = table;
        return new Uapi.DeviceStatus(now.config().identity(), port(), now.peers().stream().map(PeerState::status).toList());
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (control != null) {
            control.close();
        }
        ticker.shutdownNow();
        crypto.close();
        socket.close();
        tun.close();
    }

    private void readTun() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Offload.HEADER_LENGTH + MAX_PACKET);
            MemorySegment callState = Tun.callState(arena);
            Outgoing out = outgoing.get();
            ReusedSpace cutInto = new ReusedSpace(Session.MESSAGE_ROOM, 2 * MAX_PACKET);
            while (!closed) {
                int length = tun.read(buffer, callState);
                List<Packet> packets;
                cutInto.reset(); // the last read's packets are sealed and sent, or copied to be held
                try {
                    packets = Offload.packets(buffer, length, cutInto); // each cut where it is sealed
                } catch (IllegalArgumentException e) {
                    drops.get(Drop.MALFORMED_FROM_TUN).increment();
                    continue;
                }
                sendAll(packets, out);
                out.flush();
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.ERROR, "reading {0} failed, the device stops forwarding: {1}", tun.name(), e.getMessage());
            }
        }
    }

    /**
     * The IP packets of one TUN read, each to the peer that routes its destination: sealed (spread
     * over the crypto helpers) and gathered in {@code out} in their order, for as few sends as may be.
     */
    private void sendAll(List<Packet> packets, Outgoing out) throws IOException {
        int count = packets.size();
        PeerState[] peers = new PeerState[count];
        Session[] sessions = new Session[count];
        for (int i = 0; i < count; i++) {
            admit(packets.get(i), peers, sessions, i);
        }
        Packet[] sealed = new Packet[count];
        crypto.forEach(count, i -> {
            if (sessions[i] != null) {
                sealed[i] = sessions[i].seal(packets.get(i));
            }
        });
        for (int i = 0; i < count; i++) {
            if (sealed[i] != null) {
                out.add(peers[i], sealed[i]);
            }
        }
    }

    /**
     * Finds the peer and the session for packet {@code at} of a batch (left null when the packet
     * is dropped, or held while a handshake is made), and starts that handshake when one is due.
     */
    private void admit(Packet packet, PeerState[] peers, Session[] sessions, int at) throws IOException {
        if (IpPrefix.declaredLength(packet) <= 0) {
            return; // neither IPv4 nor IPv6: nothing else has a peer
        }
        Table current = table;
        Optional<PeerState> route = current.routeTo(IpPrefix.destinationOf(packet));
        if (route.isEmpty()) {
            drops.get(Drop.NO_ROUTE).increment();
            return;
        }
        if (current.config().identity().isEmpty()) {
            drops.get(Drop.NO_PRIVATE_KEY).increment();
            return;
        }
        PeerState peer = route.get();
        byte[] initiation = null;
        synchronized (peer) {
            if (peer.removed) { // by a configuration change since the route was looked up
                drops.get(Drop.NO_ROUTE).increment();
                return;
            }
            Instant now = clock.instant();
            Session session = peer.usable(now);
            if (session != null) {
                peers[at] = peer;
                sessions[at] = session;
                peer.timers.sent(now, true);
            } else if (peer.held.size() >= HELD_PACKETS) {
                drops.get(Drop.HELD_TOO_MANY).increment();
            } else {
                peer.held.add(packet.copy(Session.MESSAGE_ROOM)); // its place is the next read's
            }
            if (peer.needsHandshake(now, rekeyAfterMessages)) {
                initiation = initiate(peer, now);
            }
        }
        if (initiation != null) {
            transmit(peer, Packet.of(initiation));
        }
    }

    /** Under the peer's lock; null when the device has no key. */
    private byte[] initiate(PeerState peer, Instant now) {
        Identity identity = table.config().identity().orElse(null);
        if (identity == null) {
            return null;
        }
        int index = freeIndex();
        Handshake.Initiator previous = peer.initiator;
        try {
            peer.initiator = Handshake.initiate(identity, peer.config.publicKey(), peer.config.presharedKey(), index,
                    Timestamps.tai64n(now));
        } catch (Rejected weak) {
            rejected.get(weak.reason()).increment();
            return null;
        }
        if (previous != null) {
            handshakes.remove(previous.localIndex());
        }
        peer.timers.initiated(now);
        handshakes.put(index, peer);
        byte[] message = peer.initiator.message();
        peer.cookies.putMac2(message, now);
        return message;
    }

    /** Once a second: what each peer's timers say is due without a packet to send. */
    private void tick() {
        Instant now = clock.instant();
        for (PeerState peer : table.peers()) {
            List<Packet> out = new ArrayList<>(1);
            synchronized (peer) {
                Session session = peer.usable(now);
                for (PeerTimers.Action action : peer.timers.due(now, session != null)) {
                    switch (action) {
                        case INITIATE -> {
                            byte[] initiation = initiate(peer, now);
                            if (initiation != null) {
                                out.add(Packet.of(initiation));
                            }
                        }
                        case GIVE_UP -> {
                            drops.get(Drop.HANDSHAKE_GAVE_UP).add(peer.held.size());
                            peer.held.clear();
                        }
                        case KEEPALIVE -> {
                            out.add(session.seal(EMPTY)); // a keepalive
                            peer.timers.sent(now, false);
                        }
                    }
                }
            }
            try {
                transmitAll(peer, out);
            } catch (IOException e) {
                return; // the socket is closed: the device is stopping
            }
        }
    }

    /**
     * Takes the datagrams that have arrived, and writes the packets they carry to the TUN device,
     * consecutive ones of one TCP flow joined into one write.
     */
    private void readSocket() {
        try (Arena arena = Arena.ofConfined()) {
            UdpSocket.Inbox inbox = new UdpSocket.Inbox(arena);
            MemorySegment out = arena.allocate(Offload.MAX_FRAME);
            MemorySegment callState = Tun.callState(arena);
            ReusedSpace copiedInto = new ReusedSpace(AS_RECEIVED, UdpSocket.MAX_BATCH);
            while (true) {
                UdpSocket reading = socket;
                List<UdpSocket.Received> batch = reading.receive(inbox);
                if (batch == null) {
                    if (closed) {
                        return;
                    }
                    continue; // rebound to another port: read the new socket
                }
                copiedInto.reset(); // the last batch's packets are written
                List<Packet> packets = new ArrayList<>();
                List<Packet> transport = new ArrayList<>();
                List<InetSocketAddress> transportFrom = new ArrayList<>();
                for (UdpSocket.Received received : batch) {
                    if (received.length() == 0) {
                        rejected.get(Rejected.Reason.MALFORMED).increment(); // an empty datagram
                    }
                    for (int at = 0; at < received.length(); at += received.segmentSize()) {
                        int length = Math.min(received.segmentSize(), received.length() - at);
                        MemorySegment datagram = inbox.data.asSlice(received.offset() + at, length);
                        if (datagram.get(ValueLayout.JAVA_BYTE, 0) == Session.TYPE_TRANSPORT) {
                            Packet message = copiedInto.allocate(length); // opened there, in the Java heap
                            MemorySegment.copy(datagram, ValueLayout.JAVA_BYTE, 0, message.bytes(), message.offset(), length);
                            transport.add(message);
                            transportFrom.add(received.from());
                            continue;
                        }
                        openAll(transport, transportFrom, packets); // a handshake message takes its turn after what came before it
                        try {
                            handshakeMessage(datagram.toArray(ValueLayout.JAVA_BYTE), received.from());
                        } catch (Rejected e) {
                            rejected.get(e.reason()).increment();
                        }
                    }
                }
                openAll(transport, transportFrom, packets);
                for (Offload.Frame frame : Offload.join(packets)) {
                    try {
                        tun.write(out, frame.copyTo(out), callState);
                    } catch (IOException refused) { // the device set down, for one: its packets go, the next write may pass
                        if (closed) {
                            return;
                        }
                        dropped(Drop.TUN_WRITE_REFUSED, 1, refused.getMessage(), "such writes are dropped");
                    }
                }
            }
        } catch (IOException e) {
            if (closed) {
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "the socket of {0} failed, the device stops forwarding: {1}", tun.name(), e.getMessage());
        }
    }

    /**
     * Transport messages that came one after another: opened (spread over the crypto helpers), then
     * taken in their order, the packets they carry added to {@code packets}. Empties both lists.
     */
    private void openAll(List<Packet> messages, List<InetSocketAddress> from, List<Packet> packets) throws IOException {
        int count = messages.size();
        Opened[] opened = new Opened[count];
        Rejected[] refused = new Rejected[count];
        crypto.forEach(count, i -> {
            try {
                opened[i] = open(messages.get(i));
            } catch (Rejected e) {
                refused[i] = e;
            }
        });
        for (int i = 0; i < count; i++) {
            if (refused[i] != null) {
                rejected.get(refused[i].reason()).increment();
                continue;
            }
            Packet packet = take(opened[i], messages.get(i).length(), from.get(i));
            if (packet != null) {
                packets.add(packet);
            }
        }
        messages.clear();
        from.clear();
    }

    /** A handshake message from the network (initiation, response or cookie reply). */
    private void handshakeMessage(byte[] datagram, InetSocketAddress from) throws Rejected, IOException {
        switch (datagram[0]) {
            case 1 -> respond(datagram, from);
            case 2 -> complete(datagram, from);
            case 3 -> takeCookie(datagram);
            default -> throw new Rejected(Rejected.Reason.UNKNOWN_TYPE, "type " + datagram[0]);
        }
    }

    private void respond(byte[] initiation, InetSocketAddress from) throws Rejected, IOException {
        Table now = table;
        Identity identity = now.config().identity().orElse(null);
        Cookies.Responder responder = cookies;
        if (identity == null || responder == null) {
            throw new Rejected(Rejected.Reason.BAD_MAC, "an initiation before the device has a key");
        }
        Handshake.requireInitiationForUs(identity, initiation);
        Instant at = clock.instant();
        countInitiation(at);
        if (askedForCookie(responder, initiation, from, at)) {
            return;
        }
        Handshake.Responder received = Handshake.receive(identity, initiation);
        PeerState peer = now.peers().stream().filter(p -> Arrays.equals(p.config.publicKey(), received.peerPublicKey())).findFirst()
                .orElse(null);
        if (peer == null) {
            drops.get(Drop.UNKNOWN_PEER).increment();
            return;
        }
        byte[] response;
        synchronized (peer) {
            if (peer.removed) {
                drops.get(Drop.UNKNOWN_PEER).increment();
                return;
            }
            if (!Timestamps.newer(received.timestamp(), peer.lastTimestamp)) {
                throw new Rejected(Rejected.Reason.REPLAYED_INITIATION, "not newer than the last initiation of this peer");
            }
            peer.lastTimestamp = received.timestamp();
            Handshake.Reply reply = received.respond(peer.config.presharedKey(), freeIndex());
            // the responder sends nothing in it until the initiator's first message confirms it
            peer.forget(peer.unconfirmed, sessions);
            peer.unconfirmed = reply.session();
            peer.unconfirmedAt = clock.instant();
            sessions.put(reply.session().localIndex(), new Route(peer, reply.session()));
            peer.endpoint = from;
            response = reply.message();
            peer.cookies.putMac2(response, peer.unconfirmedAt); // the cookie an initiator under load gave, if any
            peer.responseMac1 = Handshake.mac1Of(response);
        }
        transmit(peer, Packet.of(response));
    }

    /** Counts an initiation (with a valid mac1): too many in a second put the device under load. */
    private void countInitiation(Instant now) {
        long second = now.getEpochSecond();
        if (second != initiationSecond) {
            initiationSecond = second;
            initiationsThisSecond = 0;
        }
        if (++initiationsThisSecond > UNDER_LOAD_INITIATIONS_PER_SECOND) {
            underLoadUntilSecond = second + 1;
        }
    }

    /**
     * Under load, a handshake message (its mac1 checked) whose mac2 does not prove its sender's
     * address is answered with a cookie reply and goes no further, initiations and responses alike,
     * as in wireguard-go: the sender proves it receives at that address on its next try.
     */
    private boolean askedForCookie(Cookies.Responder responder, byte[] message, InetSocketAddress from, Instant now) throws IOException {
        if (now.getEpochSecond() > underLoadUntilSecond || responder.mac2Valid(message, Cookies.source(from), now)) {
            return false;
        }
        sendDatagram(Packet.of(responder.reply(message, Cookies.source(from), now)), from);
        drops.get(Drop.ANSWERED_WITH_COOKIE).increment();
        return true;
    }

    /** A peer under load asks for proof of our address: its cookie goes into the mac2 of our next initiation. */
    private void takeCookie(byte[] reply) throws Rejected {
        int index = readIndex(Packet.of(reply), 4);
        PeerState peer = handshakes.get(index);
        if (peer == null) {
            takeCookieForResponse(reply, index);
            return;
        }
        synchronized (peer) {
            if (peer.initiator == null || peer.initiator.localIndex() != index) {
                throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a cookie reply to a handshake this peer no longer waits for");
            }
            peer.cookies.take(reply, Handshake.mac1Of(peer.initiator.message()), clock.instant()); // the mac1 it answers
        }
    }

    /**
     * An initiator under load asks the same of our response: the cookie goes into the mac2 of the
     * next response to it (to its next initiation: the one it answered is dropped).
     */
    private void takeCookieForResponse(byte[] reply, int index) throws Rejected {
        Route route = sessions.get(index);
        if (route == null) {
            throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a cookie reply to no handshake in flight");
        }
        PeerState peer = route.peer;
        synchronized (peer) {
            if (route.session != peer.unconfirmed || peer.responseMac1 == null) {
                throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a cookie reply to a response already confirmed");
            }
            peer.cookies.take(reply, peer.responseMac1, clock.instant());
        }
    }

    private void complete(byte[] response, InetSocketAddress from) throws Rejected, IOException {
        int index = readIndex(Packet.of(response), 8);
        PeerState peer = handshakes.get(index);
        if (peer == null) {
            throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a response to no handshake in flight");
        }
        Identity identity = table.config().identity().orElse(null);
        Cookies.Responder responder = cookies;
        if (identity == null || responder == null) {
            throw new Rejected(Rejected.Reason.BAD_MAC, "a response after the device's key was removed");
        }
        Handshake.requireResponseForUs(identity, response);
        if (askedForCookie(responder, response, from, clock.instant())) {
            return;
        }
        List<Packet> released;
        synchronized (peer) {
            if (peer.initiator == null || peer.initiator.localIndex() != index) { // answered already, or a newer one was sent meanwhile
                throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a response to a handshake this peer no longer waits for");
            }
            Session session = peer.initiator.complete(response);
            handshakes.remove(index);
            peer.initiator = null;
            peer.endpoint = from;
            Instant now = clock.instant();
            released = peer.establish(session, now, now, sessions, handshakesCompleted);
        }
        transmitAll(peer, released);
    }

    /** A transport message opened in its session, before the device takes it. */
    private record Opened(Route route, Packet plaintext) {
    }

    /** Finds a transport message's session and opens it there; safe on any thread, in any order (the replay window is). */
    private Opened open(Packet message) throws Rejected {
        Route route = sessions.get(readIndex(message, 4));
        if (route == null) {
            throw new Rejected(Rejected.Reason.UNKNOWN_INDEX, "a transport message for no session of this device");
        }
        return new Opened(route, route.session.open(message));
    }

    /**
     * An opened message, on the socket thread in the order messages came: the peer's endpoint,
     * timers and a session it confirms; returns the packet for the TUN device if it carries one
     * its peer may send.
     */
    private Packet take(Opened opened, int messageLength, InetSocketAddress from) throws IOException {
        Route route = opened.route();
        Packet plaintext = opened.plaintext();
        PeerState peer = route.peer;
        List<Packet> released = List.of();
        peer.receivedBytes.add(messageLength);
        synchronized (peer) {
            Instant now = clock.instant();
            peer.endpoint = from;
            peer.timers.received(now, plaintext.length() > 0);
            if (route.session == peer.unconfirmed) { // the initiator holds the keys: the session may send now
                released = peer.establish(route.session, peer.unconfirmedAt, now, sessions, handshakesCompleted);
                peer.unconfirmed = null;
            }
        }
        transmitAll(peer, released);
        if (plaintext.length() == 0) {
            return null; // a keepalive
        }
        int length = IpPrefix.declaredLength(plaintext);
        if (length <= 0 || length > plaintext.length() || !peer.config.routes(IpPrefix.sourceOf(plaintext))) {
            drops.get(Drop.SOURCE_NOT_ALLOWED).increment();
            return null;
        }
        return plaintext.truncate(length); // without its padding
    }

    private void transmitAll(PeerState peer, List<Packet> messages) throws IOException {
        for (Packet message : messages) {
            transmit(peer, message);
        }
    }

    private void transmit(PeerState peer, Packet message) throws IOException {
        InetSocketAddress to = peer.endpoint;
        if (to == null) {
            drops.get(Drop.NO_ENDPOINT).increment();
            return;
        }
        if (sendDatagram(message, to)) {
            peer.sentBytes.add(message.length());
        }
    }

    private boolean sendDatagram(Packet datagram, InetSocketAddress to) throws IOException {
        UdpSocket.Buffers buffers = outgoing.get().single;
        MemorySegment.copy(datagram.bytes(), datagram.offset(), buffers.data, ValueLayout.JAVA_BYTE, 0, datagram.length());
        return sendBuffered(buffers, datagram.length(), to, 0, 1);
    }

    /**
     * Sends {@code messages} messages on the current socket, and says whether they left: a send
     * the kernel refuses drops them (counted; its reason logged when it is a new one), and a send
     * that meets the socket just replaced by {@link #rebind} goes out on the new one.
     *
     * @throws IOException only when the device's socket is closed
     */
    private boolean sendBuffered(UdpSocket.Buffers buffers, int length, InetSocketAddress to, int segmentSize, int messages)
            throws IOException {
        while (true) {
            UdpSocket sending = socket;
            try {
                sending.send(buffers, length, to, segmentSize);
                return true;
            } catch (UdpSocket.Refused refused) {
                dropped(Drop.SEND_REFUSED, messages, refused.getMessage(), "such messages are dropped");
                return false;
            } catch (ClosedChannelException e) {
                if (closed || socket == sending) {
                    throw e;
                }
            }
        }
    }

    /** Counts what the kernel refused, and logs why when the reason is a new one (not for every packet of a long outage). */
    private void dropped(Drop drop, int count, String reason, String consequence) {
        drops.get(drop).add(count);
        if (!reason.equals(lastRefusal)) {
            lastRefusal = reason;
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}; {2}", tun.name(), reason, consequence);
        }
    }

    /**
     * The transport messages one thread gathers for one peer, sent together in one system call
     * (the kernel cuts them: UDP GSO): all of one size but the last, as that requires. Another
     * peer, another size after a shorter one, or a full buffer sends what was gathered first.
     */
    private final class Outgoing {
        final UdpSocket.Buffers buffers = new UdpSocket.Buffers(Arena.ofAuto());
        /** For a message sent on its own meanwhile (a handshake, a keepalive), beside what is gathered. */
        final UdpSocket.Buffers single = new UdpSocket.Buffers(Arena.ofAuto());
        private PeerState peer;
        private int length;
        private int messages;
        private int segmentSize;
        private boolean ended;

        void add(PeerState to, Packet message) throws IOException {
            int size = message.length();
            if (to != peer || ended || size > segmentSize || length + size > UdpSocket.MAX_BATCH) {
                flush();
            }
            if (peer == null) {
                peer = to;
                segmentSize = size;
            }
            MemorySegment.copy(message.bytes(), message.offset(), buffers.data, ValueLayout.JAVA_BYTE, length, size);
            length += size;
            messages++;
            ended = size < segmentSize; // a shorter one is the last of a send
        }

        void flush() throws IOException {
            if (peer == null) {
                return;
            }
            PeerState to = peer;
            int sending = length;
            int count = messages;
            peer = null;
            length = 0;
            messages = 0;
            ended = false;
            InetSocketAddress endpoint = to.endpoint;
            if (endpoint == null) {
                drops.get(Drop.NO_ENDPOINT).add(count);
                return;
            }
            if (sendBuffered(buffers, sending, endpoint, segmentSize, count)) {
                to.sentBytes.add(sending);
            }
        }
    }

    private int freeIndex() {
        int index;
        do {
            index = random.nextInt();
        } while (sessions.containsKey(index) || handshakes.containsKey(index));
        return index;
    }

    /** The little-endian receiver index at {@code at} of a message. */
    private static int readIndex(Packet message, int at) throws Rejected {
        if (message.length() < at + 4) {
            throw new Rejected(Rejected.Reason.MALFORMED, "too short to name a receiver");
        }
        return message.u8(at) | message.u8(at + 1) << 8 | message.u8(at + 2) << 16 | message.u8(at + 3) << 24;
    }

    /** The configuration and each configured peer's state, found by the entry {@link DeviceConfig#routeTo} returns. */
    private record Table(DeviceConfig config, List<PeerState> peers, Map<DeviceConfig.Peer, PeerState> byConfig) {

        Table(DeviceConfig config, List<PeerState> peers) {
            this(config, List.copyOf(peers), byConfig(peers));
        }

        private static Map<DeviceConfig.Peer, PeerState> byConfig(List<PeerState> peers) {
            Map<DeviceConfig.Peer, PeerState> byConfig = new IdentityHashMap<>();
            peers.forEach(peer -> byConfig.put(peer.config, peer));
            return byConfig;
        }

        Optional<PeerState> routeTo(IpPrefix destination) {
            return config.routeTo(destination).map(byConfig::get);
        }
    }

    /** A session and the peer it belongs to, found by the index on an incoming message. */
    private record Route(PeerState peer, Session session) {
    }

    /** What the device knows of one peer; guarded by its own lock. */
    private static final class PeerState {

        volatile DeviceConfig.Peer config;
        /** Set when a configuration change removed the peer: nothing is sent to it or taken from it any more. */
        boolean removed;
        volatile InetSocketAddress endpoint;
        Session current;
        Instant currentAt;
        Session previous;
        Session unconfirmed;
        Instant unconfirmedAt;
        Handshake.Initiator initiator;
        /** The mac1 of the last response sent, which a cookie reply to it is bound to. */
        byte[] responseMac1;
        byte[] lastTimestamp;
        final ArrayDeque<Packet> held = new ArrayDeque<>();
        final PeerTimers timers;
        final Cookies.Jar cookies;
        final LongAdder sentBytes = new LongAdder();
        final LongAdder receivedBytes = new LongAdder();
        volatile Instant lastHandshake;

        PeerState(DeviceConfig.Peer config) {
            this.config = config;
            this.cookies = new Cookies.Jar(config.publicKey());
            this.timers = new PeerTimers(config.persistentKeepalive());
            this.endpoint = config.endpoint().orElse(null);
        }

        /** Its configuration changed: a given endpoint replaces the one it roamed to; a new device key ends its sessions. */
        synchronized void reconfigure(DeviceConfig.Peer changed, boolean endpointGiven, boolean newKey, Map<Integer, Route> sessions,
                Map<Integer, PeerState> handshakes) {
            config = changed;
            timers.keepPersistentlyEvery(changed.persistentKeepalive());
            if (endpointGiven) {
                endpoint = changed.endpoint().orElse(null);
            }
            if (newKey) {
                endSessions(sessions, handshakes);
            }
        }

        /** Removed from the configuration: its sessions, its handshake in flight and its held packets go. */
        synchronized void remove(Map<Integer, Route> sessions, Map<Integer, PeerState> handshakes) {
            removed = true;
            endSessions(sessions, handshakes);
            held.clear();
        }

        private void endSessions(Map<Integer, Route> sessions, Map<Integer, PeerState> handshakes) {
            forget(current, sessions);
            forget(previous, sessions);
            forget(unconfirmed, sessions);
            current = previous = unconfirmed = null;
            if (initiator != null) {
                handshakes.remove(initiator.localIndex());
                initiator = null;
            }
        }

        Uapi.PeerStatus status() {
            return new Uapi.PeerStatus(config.publicKey(), config.presharedKey(), endpoint, lastHandshake, sentBytes.sum(),
                    receivedBytes.sum(), config.persistentKeepalive(), config.allowedIps());
        }

        Session usable(Instant now) {
            return current != null && now.isBefore(currentAt.plus(REJECT_AFTER_TIME)) ? current : null;
        }

        /** No usable session, or one old or used enough to renew; and no initiation still awaiting its response. */
        boolean needsHandshake(Instant now, long rekeyAfterMessages) {
            boolean renew = current == null || !now.isBefore(currentAt.plus(REKEY_AFTER_TIME)) || current.sealedCount() >= rekeyAfterMessages;
            return renew && !timers.awaitingResponse(now);
        }

        /**
         * A handshake is done and {@code session} sends from now on: the packets held for it come
         * back sealed in it, in their order, to be transmitted.
         */
        List<Packet> establish(Session session, Instant sessionAt, Instant now, Map<Integer, Route> sessions, LongAdder completed) {
            completed.increment();
            lastHandshake = now;
            promote(session, sessionAt, sessions);
            timers.established();
            List<Packet> sealed = held.stream().map(session::seal).toList();
            held.clear();
            if (!sealed.isEmpty()) {
                timers.sent(now, true);
            }
            return sealed;
        }

        /** The new session sends from now on; the one before it still opens what was in flight, the one before that goes. */
        void promote(Session session, Instant at, Map<Integer, Route> sessions) {
            if (previous != current) {
                forget(previous, sessions);
            }
            previous = current;
            current = session;
            currentAt = at;
            sessions.put(session.localIndex(), new Route(this, session));
        }

        void forget(Session session, Map<Integer, Route> sessions) {
            if (session != null) {
                sessions.remove(session.localIndex());
            }
        }
    }
}
