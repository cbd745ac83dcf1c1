package io.corvus.wireguard.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

import io.corvus.wireguard.Uapi;

/**
 * The device's control socket where {@code wg} looks for a user-space device,
 * {@code /var/run/wireguard/<device>.sock}: {@code wg show} reads the device through it
 * ({@code get=1}). {@code set=1} is refused with EOPNOTSUPP: the device takes its configuration
 * from its file. One virtual thread per connection; the socket goes with the device.
 */
final class UapiSocket implements AutoCloseable {

    static final Path FOLDER = Path.of("/var/run/wireguard");
    private static final int EOPNOTSUPP = 95;

    private final Path path;
    private final ServerSocketChannel server;
    private final Supplier<Uapi.DeviceStatus> status;

    private UapiSocket(Path path, ServerSocketChannel server, Supplier<Uapi.DeviceStatus> status) {
        this.path = path;
        this.server = server;
        this.status = status;
    }

    /** @throws IOException when another process answers on the device's socket already (a device of the same name runs) */
    static UapiSocket open(String device, Supplier<Uapi.DeviceStatus> status) throws IOException {
        Files.createDirectories(FOLDER);
        Path path = FOLDER.resolve(device + ".sock");
        if (Files.exists(path) && answers(path)) {
            throw new IOException("another device named " + device + " answers on " + path + ": give this one another name");
        }
        Files.deleteIfExists(path); // left by a device that was killed
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------")); // get=1 tells the private key
        UapiSocket socket = new UapiSocket(path, server, status);
        Thread.ofVirtual().name("wg-uapi-" + device).start(socket::accept);
        return socket;
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException stale) {
            return false;
        }
    }

    private void accept() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            }
        } catch (IOException closed) {
            // the device stopped
        }
    }

    /** Answers requests (an operation line, settings, an empty line) until the client goes. */
    private void serve(SocketChannel client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(client)) {
            for (String operation = in.readLine(); operation != null; operation = in.readLine()) {
                skipToTheEmptyLine(in); // the settings of a set=1, which is refused as a whole
                String answer = operation.equals("get=1") ? Uapi.get(status.get()) : Uapi.refused(EOPNOTSUPP);
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException gone) {
            // the client closed its end
        }
    }

    private static void skipToTheEmptyLine(BufferedReader in) throws IOException {
        String line = in.readLine();
        while (line != null && !line.isEmpty()) {
            line = in.readLine();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
