package io.corvus.config.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.corvus.config.domain.ConfigDocument;
import io.corvus.config.domain.ConfigValidator;
import io.corvus.config.domain.MergePatch;
import io.corvus.config.domain.Validation;
import io.corvus.config.domain.Violation;
import io.corvus.events.EventKey;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.NetworkConfig;

/**
 * The use cases of config-service: replace, patch, delete and read a cluster's configuration.
 * Every change is validated, checked against the revision it was based on, and published as one
 * new revision; an identical document publishes nothing.
 */
public final class ConfigService {

    /** What a write left behind: the revision now current, and what was adjusted on the way in. */
    public record Outcome(ConfigChanged current, boolean created, boolean changed, List<String> warnings) {
    }

    private final ConfigLog log;
    private final ConfigStore store;
    private final Clock clock;

    public ConfigService(ConfigLog log, ConfigStore store, Clock clock) {
        this.log = log;
        this.store = store;
        this.clock = clock;
    }

    /** PUT: the whole document. */
    public Outcome replace(String clusterId, Object document, OptionalLong ifMatch, String actor) {
        requireClusterId(clusterId);
        Validation.Accepted accepted = accept(document);
        return write(clusterId, actor, state -> {
            checkPrecondition(clusterId, state, ifMatch);
            return accepted;
        });
    }

    /** PATCH: a JSON Merge Patch on the current document. */
    public Outcome patch(String clusterId, Object mergePatch, OptionalLong ifMatch, String actor) {
        requireClusterId(clusterId);
        return write(clusterId, actor, state -> {
            ConfigChanged current = state.current().orElseThrow(() -> new ConfigProblem.NotFound(clusterId));
            checkPrecondition(clusterId, state, ifMatch);
            return accept(MergePatch.apply(ConfigDocument.of(current.config()), mergePatch));
        });
    }

    /**
     * DELETE: publishes a last revision with both modes off, so that everything downstream is
     * released, and then the tombstone, in one transaction.
     */
    public ConfigChanged delete(String clusterId, OptionalLong ifMatch, String actor) {
        requireClusterId(clusterId);
        List<ConfigChanged> published = new ArrayList<>();
        log.commit(clusterId, state -> {
            ConfigChanged current = state.current().orElseThrow(() -> new ConfigProblem.NotFound(clusterId));
            checkPrecondition(clusterId, state, ifMatch);
            NetworkConfig c = current.config();
            NetworkConfig disabled = new NetworkConfig(new NetworkConfig.ModeSettings(false), c.tunnel().enabled(false),
                    c.accessControlList(), c.nodePools(), c.nodeLabels(), c.cloud());
            ConfigChanged last = new ConfigChanged(clusterId, state.nextRevision(), clock.instant(), actor, disabled);
            published.add(last);
            return new ConfigLog.Entries(List.of(last), true);
        });
        return published.getFirst();
    }

    /** What {@link #replace} would make of the document (normalized, with its warnings), without publishing anything. */
    public Validation.Accepted previewReplace(String clusterId, Object document) {
        requireClusterId(clusterId);
        return accept(document);
    }

    /** What {@link #patch} would make of the current document, without publishing anything. */
    public Validation.Accepted previewPatch(String clusterId, Object mergePatch) {
        requireClusterId(clusterId);
        ConfigChanged current = store.current(clusterId).orElseThrow(() -> new ConfigProblem.NotFound(clusterId));
        return accept(MergePatch.apply(ConfigDocument.of(current.config()), mergePatch));
    }

    public Optional<ConfigChanged> get(String clusterId) {
        requireClusterId(clusterId);
        return store.current(clusterId);
    }

    public List<ConfigChanged> list() {
        return store.all();
    }

    public List<ConfigStore.HistoryEntry> history(String clusterId) {
        requireClusterId(clusterId);
        return store.history(clusterId).orElseThrow(() -> new ConfigProblem.NotFound(clusterId));
    }

    private interface Decision {
        Validation.Accepted decide(ClusterState state);
    }

    private Outcome write(String clusterId, String actor, Decision decision) {
        Outcome[] outcome = new Outcome[1];
        log.commit(clusterId, state -> {
            Validation.Accepted accepted = decision.decide(state);
            Optional<ConfigChanged> current = state.current();
            if (current.isPresent() && current.get().config().equals(accepted.config())) {
                outcome[0] = new Outcome(current.get(), false, false, accepted.warnings());
                return ConfigLog.Entries.NOTHING;
            }
            ConfigChanged next = new ConfigChanged(clusterId, state.nextRevision(), clock.instant(), actor, accepted.config());
            outcome[0] = new Outcome(next, current.isEmpty(), true, accepted.warnings());
            return new ConfigLog.Entries(List.of(next), false);
        });
        return outcome[0];
    }

    private static Validation.Accepted accept(Object document) {
        return switch (ConfigValidator.validate(document)) {
            case Validation.Accepted accepted -> accepted;
            case Validation.Rejected rejected -> throw new ConfigProblem.Invalid(rejected.violations());
        };
    }

    private static void checkPrecondition(String clusterId, ClusterState state, OptionalLong ifMatch) {
        Optional<ConfigChanged> current = state.current();
        if (current.isEmpty()) {
            if (ifMatch.isPresent()) {
                throw new ConfigProblem.PreconditionFailed("If-Match names revision " + ifMatch.getAsLong() + " but cluster "
                        + clusterId + " has no configuration; send the first one without If-Match");
            }
            return;
        }
        long revision = current.get().revision();
        if (ifMatch.isEmpty()) {
            throw new ConfigProblem.PreconditionRequired(clusterId, revision);
        }
        if (ifMatch.getAsLong() != revision) {
            throw new ConfigProblem.PreconditionFailed("cluster " + clusterId + " is at revision " + revision
                    + ", not " + ifMatch.getAsLong() + "; read it again (GET), reapply your change and send If-Match: \""
                    + revision + "\"");
        }
    }

    private static void requireClusterId(String clusterId) {
        if (!EventKey.isValidClusterId(clusterId)) {
            throw new ConfigProblem.Invalid(List.of(new Violation("clusterId", "'" + clusterId
                    + "' is not a DNS-1123 label: 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit")));
        }
    }

    /** The document of a revision, as GET shows it. */
    public static Map<String, Object> document(ConfigChanged revision) {
        return ConfigDocument.of(revision.config());
    }
}
