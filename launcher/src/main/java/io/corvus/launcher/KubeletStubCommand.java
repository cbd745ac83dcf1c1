package io.corvus.launcher;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corvus kubelet-stub --port 10255}: the demo's kubelet-like server, for a Compose edge node; runs until stopped. */
@Command(name = "kubelet-stub", hidden = true, mixinStandardHelpOptions = true,
        description = "Answers GET /pods like a kubelet, naming the Host it was asked for (the Compose demo's edge node).")
final class KubeletStubCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "10255", description = "The port (default ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        try (DemoKubelet kubelet = DemoKubelet.start(new InetSocketAddress(port))) {
            System.out.println("answering GET /pods on port " + kubelet.port());
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
