package io.corvus.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corvus secrets --into DIR --inventory FILE}: the secrets of a stack that is not run by
 * {@code ./corvus up} (the Compose stack's first start), laid out as {@code ./corvus up} lays out
 * its run folder: API tokens ({@code secrets/config-service-auth.properties}, {@code admin-token}),
 * the cluster CA with a certificate per node of the inventory and the tunnel's preshared key
 * ({@code pki/}), all owner-only. Made once: when the folder holds them, they are kept. Prints the
 * admin token and nothing else secret.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Makes a stack's secrets once (API tokens, the cluster CA and node certificates, the tunnel's preshared key) "
                + "and prints the admin token.")
final class SecretsCommand implements Callable<Integer> {

    @Option(names = "--into", required = true, description = "The folder for the secrets (a volume the stack's services mount).")
    Path folder;

    @Option(names = "--inventory", required = true, description = "The nodes to make certificates for (inventory YAML).")
    Path inventory;

    @Override
    public Integer call() throws Exception {
        Path adminToken = folder.resolve("admin-token");
        if (Files.exists(adminToken)) {
            System.out.println("the secrets in " + folder + " are kept");
        } else {
            LocalInventory nodes = LocalInventory.read(inventory);
            ApiTokens.generate(folder);
            LocalPki.create(folder.resolve("pki"), nodes.clusterId(), nodes.nodeNames());
            LocalPki.tunnelKey(folder.resolve("pki"));
            System.out.println("made the secrets in " + folder + " for the nodes " + nodes.nodeNames());
        }
        System.out.println("admin token: " + Files.readString(adminToken).strip());
        return 0;
    }
}
