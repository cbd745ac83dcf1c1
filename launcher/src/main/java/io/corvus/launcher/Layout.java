package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Where the built artifacts and the run folders are, relative to the repository root. */
record Layout(Path home) {

    static final String VERSION = "0.1.0-SNAPSHOT";

    /** The Quarkus services of the control plane, in start order. */
    static final List<String> CONTROL_PLANE = List.of("config-service", "gateway-elector", "cloud-provisioner");

    Path brokerJar() {
        return home.resolve("kraft-broker/target/kraft-broker-" + VERSION + ".jar");
    }

    Path brokerLibraries() {
        return home.resolve("kraft-broker/target/lib");
    }

    Path serviceJar(String service) {
        return home.resolve(service + "/target/quarkus-app/quarkus-run.jar");
    }

    /** The agent's plain jar, its runtime jars in {@code lib/} beside it. */
    Path agentJar() {
        return home.resolve("agent/target/agent.jar");
    }

    /** The agent's ahead-of-time cache, written by the build's training run (agent/aot-train.sh). */
    Path agentAotCache() {
        return home.resolve("agent/target/agent.aot");
    }

    /** The agent's JVM options, a java {@code @argfile}: one agent runs on every node, so it runs small. */
    Path agentJvmOptions() {
        return home.resolve("agent/jvm.options");
    }

    /** The nodes of the local run. */
    Path inventory() {
        return home.resolve("deploy/local/inventory.yaml");
    }

    /** The run folder of {@code up} (kept between runs) or of {@code demo} (fresh each time). */
    Path runFolder(String stackName) {
        return home.resolve("run").resolve(stackName);
    }

    /** The run folder of a throw-away stack (demo, benchmark), emptied first. */
    Path freshRunFolder(String stackName) throws IOException {
        Path folder = runFolder(stackName);
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return folder;
    }

    /** What must be built before anything can start; empty when all is there. */
    List<Path> missingArtifacts() {
        List<Path> required = new ArrayList<>(List.of(brokerJar(), brokerLibraries(), agentJar(), agentJvmOptions()));
        CONTROL_PLANE.forEach(service -> required.add(serviceJar(service)));
        return required.stream().filter(path -> !Files.exists(path)).toList();
    }
}
