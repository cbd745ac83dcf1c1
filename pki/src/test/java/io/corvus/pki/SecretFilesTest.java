package io.corvus.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @Test
    void aSecretIsReadableByItsOwnerAloneAndReplacesAReadableFileWhole(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("token");
        Files.writeString(file, "old and readable by all");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        SecretFiles.write(file, "new secret");

        assertThat(Files.readString(file)).isEqualTo("new secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(folder.resolve("token.new")).doesNotExist();
    }
}
