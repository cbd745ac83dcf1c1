package io.corvus.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import io.corvus.pki.SecretFiles;

/**
 * The local run's API tokens for config-service, made fresh for each start. They reach the
 * service the way a mounted Secret would: a properties file readable only by its owner, named by
 * {@code quarkus.config.locations}, never a command-line argument that {@code ps} would show.
 */
record ApiTokens(String admin, String viewer, Path propertiesFile) {

    static final String ADMIN_NAME = "local-admin";
    static final String VIEWER_NAME = "local-viewer";

    static ApiTokens generate(Path runFolder) {
        SecureRandom random = new SecureRandom();
        ApiTokens tokens = new ApiTokens(token(random), token(random), runFolder.resolve("secrets/config-service-auth.properties"));
        String properties = "corvus.auth.tokens." + ADMIN_NAME + ".role=admin\n"
                + "corvus.auth.tokens." + ADMIN_NAME + ".secret=" + tokens.admin() + "\n"
                + "corvus.auth.tokens." + VIEWER_NAME + ".role=viewer\n"
                + "corvus.auth.tokens." + VIEWER_NAME + ".secret=" + tokens.viewer() + "\n";
        writePrivate(tokens.propertiesFile(), properties);
        writePrivate(runFolder.resolve("admin-token"), tokens.admin() + "\n");
        writePrivate(runFolder.resolve("viewer-token"), tokens.viewer() + "\n");
        return tokens;
    }

    private static String token(SecureRandom random) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            SecretFiles.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
