package io.corvus.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corvus check-api --server URL --tokens FILE}: is an installed config-service there and
 * working? It waits for readiness, then makes a configuration's round trip for a throwaway cluster
 * (PUT, GET, DELETE) with an admin token from the service's own tokens file. The chart's
 * {@code helm test} runs it.
 */
@Command(name = "check-api", mixinStandardHelpOptions = true,
        description = "Checks an installed config-service: ready, and a configuration's round trip (PUT, GET, DELETE).")
final class CheckApiCommand implements Callable<Integer> {

    @Option(names = "--server", required = true, description = "config-service's base URL, e.g. http://corvus-config-service:8080.")
    String server;

    @Option(names = "--tokens", required = true,
            description = "config-service's tokens file (corvus.auth.tokens.<name>.role / .secret); an admin token is used.")
    Path tokens;

    @Option(names = "--timeout", defaultValue = "120s", description = "How long to wait for readiness (default ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        ConfigApi api = new ConfigApi(server, adminToken());
        Instant deadline = Instant.now().plus(Duration.parse("PT" + timeout.toUpperCase()));
        int ready = -1;
        while (ready != 200 && Instant.now().isBefore(deadline)) {
            try {
                ready = api.readiness();
            } catch (IOException notYet) {
                ready = -1;
            }
            if (ready != 200) {
                TimeUnit.SECONDS.sleep(2);
            }
        }
        if (ready != 200) {
            return failed("config-service at " + server + " was not ready within " + timeout + " (last answer: "
                    + (ready < 0 ? "no connection" : ready) + ")");
        }
        System.out.println("ready: " + server + "/q/health/ready answers 200");
        String cluster = "corvus-check-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        ConfigApi.Reply put = api.put(cluster, "{\"proxy\": {\"enabled\": false}, \"tunnel\": {\"enabled\": false}}", null);
        if (put.status() != 201) {
            return failed("PUT " + cluster + " answered " + put.status() + ": " + put.body());
        }
        ConfigApi.Reply got = api.get(cluster);
        if (got.status() != 200 || !"\"1\"".equals(got.etag())) {
            return failed("GET " + cluster + " answered " + got.status() + " with ETag " + got.etag() + ", expected 200 and \"1\"");
        }
        ConfigApi.Reply deleted = api.delete(cluster, got.etag());
        if (deleted.status() != 200) {
            return failed("DELETE " + cluster + " answered " + deleted.status() + ": " + deleted.body());
        }
        int gone = api.get(cluster).status();
        if (gone != 404) {
            return failed("GET " + cluster + " after DELETE answered " + gone + ", expected 404");
        }
        System.out.println("round trip: PUT, GET and DELETE of cluster " + cluster + " as expected");
        return 0;
    }

    private String adminToken() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(tokens)) {
            properties.load(reader);
        }
        return properties.stringPropertyNames().stream().filter(name -> name.endsWith(".role") && "admin".equals(properties.getProperty(name)))
                .map(name -> properties.getProperty(name.substring(0, name.length() - ".role".length()) + ".secret")).filter(s -> s != null)
                .findFirst().orElseThrow(() -> new IllegalArgumentException(tokens + " holds no admin token (corvus.auth.tokens.<name>.role=admin "
                        + "with its .secret)"));
    }

    private static int failed(String why) {
        System.err.println("CHECK FAILED: " + why);
        return 1;
    }
}
