package io.corvus.wireguard;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The protocol is a pure core (no device, no socket, no native call); {@code linux} is its adapter to
 * the kernel. Of the FFM API the core may name memory (where the kernel's reads lie, and what is
 * written to it), never a native call.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.corvus.wireguard");

    @Test
    void theProtocolUsesOnlyJavaItsCryptographyAndItself() {
        classes().that().resideInAPackage("io.corvus.wireguard").should().onlyDependOnClassesThat(
                resideInAnyPackage("java.lang", "java.util..", "java.time..", "java.math", "java.net", "java.nio", "java.nio.charset",
                        "java.security..", "javax.crypto..", "org.bouncycastle.crypto..", "com.google.crypto.tink.subtle..",
                        "io.corvus.wireguard")
                        .or(belongToAnyOf(MemorySegment.class, ValueLayout.class)))
                .check(CLASSES);
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching("io.corvus.wireguard.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
