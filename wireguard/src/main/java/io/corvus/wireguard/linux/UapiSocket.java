package io.corvus.wireguard.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import io.corvus.wireguard.Uapi;

/**
 * The device's control socket where {@code wg} looks for a user-space device,
 * {@code /var/run/wireguard/<device>.sock}: {@code wg show} reads the device through it
 * ({@code get=1}), {@code wg set} and {@code wg syncconf} change it ({@code set=1}, carried out
 * whole or not at all). A request that fails is answered with its errno, which {@code wg} prints,
 * and logged with what exactly was wrong. One virtual thread per connection; the socket goes with
 * the device.
 */
final class UapiSocket implements AutoCloseable {

    static final Path FOLDER = Path.of("/var/run/wireguard");
    private static final System.Logger LOG = System.getLogger(UapiSocket.class.getName());
    private static final int EINVAL = 22;
    private static final int EIO = 5;
    private static final int EADDRINUSE = 98;
    private static final int EOPNOTSUPP = 95;

    private final Path path;
    private final ServerSocketChannel server;
    private final Device device;

    private UapiSocket(Path path, ServerSocketChannel server, Device device) {
        this.path = path;
        this.server = server;
        this.device = device;
    }

    /** @throws IOException when another process answers on the device's socket already (a device of the same name runs) */
    static UapiSocket open(String name, Device device) throws IOException {
        Files.createDirectories(FOLDER);
        Path path = FOLDER.resolve(name + ".sock");
        if (Files.exists(path) && answers(path)) {
            throw new IOException("another device named " + name + " answers on " + path + ": give this one another name");
        }
        Files.deleteIfExists(path); // left by a device that was killed
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------")); // get=1 tells the private key
        UapiSocket socket = new UapiSocket(path, server, device);
        Thread.ofVirtual().name("wg-uapi-" + name).start(socket::accept);
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
                List<String> settings = readToTheEmptyLine(in);
                String answer = switch (operation) {
                    case "get=1" -> Uapi.get(device.status());
                    case "set=1" -> set(settings);
                    default -> Uapi.refused(EOPNOTSUPP);
                };
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException gone) {
            // the client closed its end
        }
    }

    private String set(List<String> settings) {
        try {
            device.configure(settings);
            return Uapi.done();
        } catch (IllegalArgumentException wrong) {
            LOG.log(System.Logger.Level.WARNING, "wg set refused, nothing changed: {0}", wrong.getMessage());
            return Uapi.refused(EINVAL);
        } catch (BindException taken) {
            LOG.log(System.Logger.Level.WARNING, "wg set refused, nothing changed: {0}", taken.getMessage());
            return Uapi.refused(EADDRINUSE);
        } catch (IOException failed) {
            LOG.log(System.Logger.Level.WARNING, "wg set failed, nothing changed: {0}", failed.getMessage());
            return Uapi.refused(EIO);
        }
    }

    private static List<String> readToTheEmptyLine(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
