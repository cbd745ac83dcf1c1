package io.corvus.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering every Corvus module keeps, as ArchUnit rules its {@code ArchitectureTest} checks:
 * pure cores (domain rules, plans, codecs) import only Java, the event contracts and each other;
 * use cases import no adapter; adapters (Kafka, Kubernetes, cloud SDKs, sockets) do not import
 * each other; the composition root ({@code boot}) is imported by nobody; no package cycles.
 */
public final class Layers {

    /** What a pure core may use besides Java and its own packages: the contracts every service shares. */
    private static final String[] CONTRACTS = {"java..", "io.corvus.events", "io.corvus.events.payload.."};

    private final String root;
    private final JavaClasses classes;
    private final List<ArchRule> rules = new ArrayList<>();

    private Layers(String root) {
        this.root = root;
        this.classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(root);
    }

    /**
     * The layers of a control-plane service: {@code domain} pure, {@code app} free of adapters and
     * boot, the {@code adapter.*} packages independent of each other, boot imported by nobody, no
     * cycles.
     *
     * @param adapters the service's adapter packages, relative to the root (e.g. {@code "adapter.kafka.."})
     */
    public static Layers ofService(String root, List<String> adapters) {
        return of(root).pure(List.of("domain..")).useCases("app..", adapters).independentAdapters(adapters).bootIsTheRoot().noCycles();
    }

    /** The main classes under {@code root} (e.g. {@code io.corvus.elector}). */
    public static Layers of(String root) {
        return new Layers(root);
    }

    /**
     * These packages (relative to the root, e.g. {@code "domain.."}) are pure: Java, the event
     * contracts, and each other, besides what {@code alsoAllowed} names (fully qualified patterns).
     */
    public Layers pure(List<String> packages, String... alsoAllowed) {
        String[] own = packages.stream().map(this::qualified).toArray(String[]::new);
        String[] allowed = Stream.of(CONTRACTS, own, alsoAllowed).flatMap(Stream::of).toArray(String[]::new);
        rules.add(classes().that().resideInAnyPackage(own).should().onlyDependOnClassesThat().resideInAnyPackage(allowed)
                .as("the pure packages " + packages + " of " + root + " use only Java, the event contracts and each other")
                .allowEmptyShould(true));
        return this;
    }

    /** The use-case packages import no adapter and no composition root. */
    public Layers useCases(String appPackage, List<String> adapterPackages) {
        List<String> forbidden = new ArrayList<>(adapterPackages.stream().map(this::qualified).toList());
        forbidden.add(qualified("boot.."));
        rules.add(noClasses().that().resideInAPackage(qualified(appPackage)).should().dependOnClassesThat()
                .resideInAnyPackage(forbidden.toArray(String[]::new))
                .as(appPackage + " of " + root + " imports no adapter and not the composition root"));
        return this;
    }

    /** Each adapter package stays out of the others (they meet through the use cases' ports). */
    public Layers independentAdapters(List<String> adapterPackages) {
        for (String adapter : adapterPackages) {
            List<String> others = adapterPackages.stream().filter(other -> !other.equals(adapter)).map(this::qualified).toList();
            rules.add(noClasses().that().resideInAPackage(qualified(adapter)).should().dependOnClassesThat()
                    .resideInAnyPackage(others.toArray(String[]::new))
                    .as("adapter " + adapter + " of " + root + " imports no other adapter"));
        }
        return this;
    }

    /** Only the composition root itself imports the composition root. */
    public Layers bootIsTheRoot() {
        rules.add(noClasses().that().resideOutsideOfPackage(qualified("boot..")).should().dependOnClassesThat()
                .resideInAPackage(qualified("boot.."))
                .as("nothing in " + root + " but boot imports boot"));
        return this;
    }

    /** No two packages import each other, directly or around a circle. */
    public Layers noCycles() {
        rules.add(slices().matching(root + ".(**)").should().beFreeOfCycles().as("the packages of " + root + " form no cycle"));
        return this;
    }

    /** Checks every rule, all of them, and fails with every violation found. */
    public void check() {
        List<String> failures = new ArrayList<>();
        for (ArchRule rule : rules) {
            var result = rule.evaluate(classes);
            if (result.hasViolation()) {
                failures.add(result.getFailureReport().toString());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n\n", failures));
        }
    }

    private String qualified(String relative) {
        return root + "." + relative;
    }
}
