package io.corvus.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** The run folder of {@code up} (kept between runs) or of {@code demo} (fresh each time). */
    Path runFolder(String stackName) {
        return home.resolve("run").resolve(stackName);
    }

    /** What must be built before anything can start; empty when all is there. */
    List<Path> missingArtifacts() {
        List<Path> required = new ArrayList<>(List.of(brokerJar(), brokerLibraries(), serviceJar("agent")));
        CONTROL_PLANE.forEach(service -> required.add(serviceJar(service)));
        return required.stream().filter(path -> !Files.exists(path)).toList();
    }
}
