package io.corvus.events;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A record key: {@code clusterId} or {@code clusterId/name}. The clusterId part decides the
 * partition (see {@link ClusterPartitioner}).
 *
 * @param clusterId a DNS-1123 label
 * @param name      a node or gateway name (DNS-1123 subdomain), or empty for cluster-wide topics
 */
public record EventKey(String clusterId, Optional<String> name) {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_1123_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public EventKey {
        requireClusterId(clusterId);
        name.ifPresent(EventKey::requireName);
    }

    public static EventKey ofCluster(String clusterId) {
        return new EventKey(clusterId, Optional.empty());
    }

    public static EventKey of(String clusterId, String name) {
        return new EventKey(clusterId, Optional.of(name));
    }

    /** Parses a key as it is on the wire; a key that breaks the format raises an error naming the problem. */
    public static EventKey parse(String key) {
        if (key == null) {
            throw new IllegalArgumentException("the record has no key; Corvus keys are 'clusterId' or 'clusterId/name'");
        }
        int slash = key.indexOf('/');
        return slash < 0
                ? ofCluster(key)
                : of(key.substring(0, slash), key.substring(slash + 1));
    }

    /** The clusterId part of a raw key (everything before the first '/'), without validating it. */
    public static String clusterPart(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    public static boolean isValidClusterId(String clusterId) {
        return clusterId != null && DNS_1123_LABEL.matcher(clusterId).matches();
    }

    public static void requireClusterId(String clusterId) {
        if (!isValidClusterId(clusterId)) {
            throw new IllegalArgumentException("clusterId '" + clusterId
                    + "' is not a DNS-1123 label: use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
    }

    private static void requireName(String name) {
        if (name == null || !DNS_1123_SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name
                    + "' is not a DNS-1123 subdomain: use lower-case letters, digits, '-' and '.', at most 253 characters");
        }
    }

    /** The key as written to Kafka. */
    public String wireForm() {
        return name.map(n -> clusterId + "/" + n).orElse(clusterId);
    }

    @Override
    public String toString() {
        return wireForm();
    }
}
