package io.corvus.config.domain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.corvus.events.Cidr;
import io.corvus.events.Raven;
import io.corvus.events.payload.NetworkConfig;

/**
 * Validates a network configuration document, as parsed from JSON or YAML into maps, lists,
 * strings, numbers and booleans, and turns it into a {@link NetworkConfig}. Every violation names
 * its JSON Pointer and says how to fix it; all are collected, not just the first. Omitted fields
 * take their defaults.
 */
public final class ConfigValidator {

    public static final int MAX_PROXY_REPLICAS = 10;
    public static final int MAX_EIP_BANDWIDTH_MBPS = 1000;

    private static final Set<String> TOP_LEVEL = Set.of("proxy", "tunnel", "accessControlList", "nodePools", "nodeLabels", "cloud");
    private static final Set<String> CREDENTIAL_WORDS = Set.of("accesskey", "secret", "password", "token", "credential");
    private static final Pattern DNS_1123_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");
    private static final Pattern VPC = Pattern.compile("vpc-[a-z0-9]{1,64}");
    private static final Pattern VSWITCH = Pattern.compile("vsw-[a-z0-9]{1,64}");

    private ConfigValidator() {
    }

    public static Validation validate(Object document) {
        Run run = new Run();
        NetworkConfig config = run.document(document);
        return run.violations.isEmpty()
                ? new Validation.Accepted(config, run.warnings)
                : new Validation.Rejected(run.violations);
    }

    /** One validation pass: collects violations and warnings while it reads. */
    private static final class Run {
        private final List<Violation> violations = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        NetworkConfig document(Object document) {
            Map<String, Object> root = object(document, "");
            if (root == null) {
                return null;
            }
            onlyKnownFields(root, "", TOP_LEVEL);
            boolean proxy = mode(root.get("proxy"), "/proxy", true);
            NetworkConfig.TunnelSettings tunnel = tunnel(root.get("tunnel"));
            List<String> acl = accessControlList(root.get("accessControlList"));
            Map<String, NetworkConfig.NodePoolSettings> pools = nodePools(root.get("nodePools"));
            NetworkConfig.NodeLabels labels = nodeLabels(root.get("nodeLabels"));
            NetworkConfig.CloudSettings cloud = cloud(root.get("cloud"));
            if (!violations.isEmpty()) {
                return null;
            }
            return new NetworkConfig(new NetworkConfig.ModeSettings(proxy), tunnel, acl, pools,
                    labels, cloud);
        }

        private boolean mode(Object value, String pointer, boolean defaultEnabled) {
            if (value == null) {
                return defaultEnabled;
            }
            Map<String, Object> mode = object(value, pointer);
            if (mode == null) {
                return defaultEnabled;
            }
            onlyKnownFields(mode, pointer, Set.of("enabled"));
            Boolean enabled = bool(mode.get("enabled"), pointer + "/enabled");
            return enabled == null ? defaultEnabled : enabled;
        }

        private NetworkConfig.TunnelSettings tunnel(Object value) {
            String pointer = "/tunnel";
            NetworkConfig.TunnelSettings defaults = NetworkConfig.TunnelSettings.OFF;
            if (value == null) {
                return defaults;
            }
            Map<String, Object> tunnel = object(value, pointer);
            if (tunnel == null) {
                return defaults;
            }
            onlyKnownFields(tunnel, pointer, Set.of("enabled", "vni", "flatNetwork"));
            Boolean enabled = bool(tunnel.get("enabled"), pointer + "/enabled");
            Integer vni = integer(tunnel.get("vni"), pointer + "/vni", 1, NetworkConfig.TunnelSettings.MAX_VNI,
                    "the VXLAN id between a node and its pool's gateway");
            Boolean flat = bool(tunnel.get("flatNetwork"), pointer + "/flatNetwork");
            return new NetworkConfig.TunnelSettings(enabled == null ? defaults.enabled() : enabled, vni == null ? defaults.vni() : vni,
                    flat == null ? defaults.flatNetwork() : flat);
        }

        private List<String> accessControlList(Object value) {
            String pointer = "/accessControlList";
            if (value == null) {
                return List.of();
            }
            List<Object> entries;
            boolean commaSeparated = value instanceof String;
            if (value instanceof String text) {
                if (text.isEmpty()) {
                    return List.of();
                }
                entries = new ArrayList<>(Arrays.asList((Object[]) text.split(",", -1)));
            } else if (value instanceof List<?> list) {
                entries = new ArrayList<>(list);
            } else {
                violations.add(new Violation(pointer, "must be a list of CIDR strings or one comma-separated string, got "
                        + typeOf(value)));
                return List.of();
            }
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (int i = 0; i < entries.size(); i++) {
                String entryPointer = pointer + "/" + i;
                Object entry = entries.get(i);
                if (!(entry instanceof String text)) {
                    violations.add(new Violation(entryPointer, "must be a CIDR string, got " + typeOf(entry)));
                    continue;
                }
                if (text.isEmpty()) {
                    violations.add(new Violation(entryPointer, commaSeparated && i == entries.size() - 1
                            ? "the list ends with a comma; remove it"
                            : "the entry is empty; remove it or write a CIDR such as 192.0.2.0/24"));
                    continue;
                }
                try {
                    Cidr cidr = Cidr.parse(text);
                    Integer first = seen.putIfAbsent(cidr.canonical(), i);
                    if (first != null) {
                        violations.add(new Violation(entryPointer, "'" + text + "' repeats entry " + first + " ("
                                + cidr.canonical() + "); remove one"));
                    } else if (!cidr.canonical().equals(text)) {
                        warnings.add("accessControlList entry " + i + " '" + text + "' was written as " + cidr.canonical());
                    }
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation(entryPointer, e.getMessage()));
                }
            }
            List<String> canonical = new ArrayList<>(seen.keySet());
            if (!canonical.isEmpty() && !canonical.contains(Raven.CLB_HEALTH_CHECK_RANGE)) {
                canonical.add(Raven.CLB_HEALTH_CHECK_RANGE);
                warnings.add("added " + Raven.CLB_HEALTH_CHECK_RANGE + " to accessControlList: CLB health checks come from it, "
                        + "and a whitelist without it would mark every backend unhealthy");
            }
            if (canonical.size() > Raven.MAX_ACL_ENTRIES) {
                violations.add(new Violation(pointer, "has " + canonical.size() + " entries"
                        + (seen.containsKey(Raven.CLB_HEALTH_CHECK_RANGE) ? "" : " with " + Raven.CLB_HEALTH_CHECK_RANGE)
                        + "; a CLB ACL holds at most " + Raven.MAX_ACL_ENTRIES + ": merge entries into wider networks"));
            }
            return canonical;
        }

        private Map<String, NetworkConfig.NodePoolSettings> nodePools(Object value) {
            String pointer = "/nodePools";
            if (value == null) {
                return Map.of();
            }
            Map<String, Object> pools = object(value, pointer);
            if (pools == null) {
                return Map.of();
            }
            Map<String, NetworkConfig.NodePoolSettings> result = new LinkedHashMap<>();
            pools.forEach((name, settings) -> {
                String poolPointer = pointer + "/" + Violation.segment(name);
                if (!DNS_1123_SUBDOMAIN.matcher(name).matches()) {
                    violations.add(new Violation(poolPointer, "node pool name '" + name
                            + "' is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')"));
                }
                Map<String, Object> pool = object(settings, poolPointer);
                if (pool == null) {
                    return;
                }
                onlyKnownFields(pool, poolPointer, Set.of("proxyReplicas", "tunnelReplicas"));
                Integer proxy = integer(pool.get("proxyReplicas"), poolPointer + "/proxyReplicas", 1, MAX_PROXY_REPLICAS,
                        "active proxy endpoints of the pool");
                Integer tunnel = integer(pool.get("tunnelReplicas"), poolPointer + "/tunnelReplicas", 0, 1,
                        "active tunnel endpoints of the pool");
                result.put(name, new NetworkConfig.NodePoolSettings(proxy == null ? 1 : proxy, tunnel == null ? 1 : tunnel));
            });
            return result;
        }

        private NetworkConfig.NodeLabels nodeLabels(Object value) {
            String pointer = "/nodeLabels";
            Map<String, Object> labels = value == null ? Map.of() : object(value, pointer);
            if (labels == null) {
                return null;
            }
            onlyKnownFields(labels, pointer, Set.of("nodePoolKey", "edgeNodeLabel"));
            String poolKey = string(labels.get("nodePoolKey"), pointer + "/nodePoolKey");
            if (poolKey == null) {
                poolKey = Raven.DEFAULT_NODE_POOL_KEY;
            } else if (!validLabelKey(poolKey)) {
                violations.add(new Violation(pointer + "/nodePoolKey", "'" + poolKey
                        + "' is not a Kubernetes label key ([prefix/]name, name at most 63 characters)"));
            }
            String edgeLabel = string(labels.get("edgeNodeLabel"), pointer + "/edgeNodeLabel");
            if (edgeLabel == null) {
                edgeLabel = Raven.DEFAULT_EDGE_NODE_LABEL;
            } else {
                int equals = edgeLabel.indexOf('=');
                if (equals < 0 || !validLabelKey(edgeLabel.substring(0, equals))
                        || !LABEL_VALUE.matcher(edgeLabel.substring(equals + 1)).matches()) {
                    violations.add(new Violation(pointer + "/edgeNodeLabel", "'" + edgeLabel
                            + "' is not key=value with a Kubernetes label key and value, like " + Raven.DEFAULT_EDGE_NODE_LABEL));
                }
            }
            return new NetworkConfig.NodeLabels(poolKey, edgeLabel);
        }

        private NetworkConfig.CloudSettings cloud(Object value) {
            String pointer = "/cloud";
            Map<String, Object> cloud = value == null ? Map.of() : object(value, pointer);
            if (cloud == null) {
                return null;
            }
            for (String key : cloud.keySet()) {
                String lower = key.toLowerCase(Locale.ROOT);
                if (CREDENTIAL_WORDS.stream().anyMatch(lower::contains)) {
                    violations.add(new Violation(pointer + "/" + Violation.segment(key), "credentials never go in the "
                            + "configuration (it is published as an event): give the cloud-provisioner an AccessKey "
                            + "through its Kubernetes Secret or environment"));
                }
            }
            onlyKnownFields(cloud, pointer, Set.of("provider", "regionId", "vpcId", "vSwitchId", "eipBandwidthMbps",
                    "eipChargeType"));
            String provider = oneOf(cloud.get("provider"), pointer + "/provider", "local", List.of("local", "aliyun"));
            String region = matching(cloud.get("regionId"), pointer + "/regionId", REGION, "a region id like cn-hangzhou");
            String vpc = matching(cloud.get("vpcId"), pointer + "/vpcId", VPC, "a VPC id like vpc-bp1abc");
            String vSwitch = matching(cloud.get("vSwitchId"), pointer + "/vSwitchId", VSWITCH, "a vSwitch id like vsw-bp1abc");
            if ("aliyun".equals(provider)) {
                requireForAliyun(region, pointer + "/regionId");
                requireForAliyun(vpc, pointer + "/vpcId");
                requireForAliyun(vSwitch, pointer + "/vSwitchId");
            }
            Integer bandwidth = integer(cloud.get("eipBandwidthMbps"), pointer + "/eipBandwidthMbps", 1,
                    MAX_EIP_BANDWIDTH_MBPS, "EIP bandwidth in Mbit/s");
            String chargeType = oneOf(cloud.get("eipChargeType"), pointer + "/eipChargeType", "PayByTraffic",
                    List.of("PayByTraffic", "PayByBandwidth"));
            return new NetworkConfig.CloudSettings(provider == null ? "local" : provider, region, vpc, vSwitch,
                    bandwidth == null ? 100 : bandwidth, chargeType);
        }

        private void requireForAliyun(String value, String pointer) {
            if (value == null && violations.stream().noneMatch(v -> v.pointer().equals(pointer))) {
                violations.add(new Violation(pointer, "is required when cloud.provider is aliyun"));
            }
        }

        private void onlyKnownFields(Map<String, Object> object, String pointer, Set<String> known) {
            Set<String> sortedKnown = new TreeSet<>(known);
            for (String key : new LinkedHashSet<>(object.keySet())) {
                if (!known.contains(key) && !(pointer.equals("/cloud") && isCredentialLike(key))) {
                    violations.add(new Violation(pointer + "/" + Violation.segment(key),
                            "unknown field '" + key + "'; allowed here: " + String.join(", ", sortedKnown)));
                }
            }
        }

        private static boolean isCredentialLike(String key) {
            String lower = key.toLowerCase(Locale.ROOT);
            return CREDENTIAL_WORDS.stream().anyMatch(lower::contains);
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> object(Object value, String pointer) {
            if (value instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
            violations.add(new Violation(pointer, "must be an object, got " + typeOf(value)));
            return null;
        }

        private Boolean bool(Object value, String pointer) {
            if (value == null || value instanceof Boolean) {
                return (Boolean) value;
            }
            violations.add(new Violation(pointer, "must be true or false, got " + typeOf(value)));
            return null;
        }

        private String string(Object value, String pointer) {
            if (value == null || value instanceof String) {
                return (String) value;
            }
            violations.add(new Violation(pointer, "must be a string, got " + typeOf(value)));
            return null;
        }

        private String oneOf(Object value, String pointer, String defaultValue, List<String> allowed) {
            String text = string(value, pointer);
            if (text == null) {
                return defaultValue;
            }
            if (!allowed.contains(text)) {
                violations.add(new Violation(pointer, "'" + text + "' is not one of " + String.join(", ", allowed)));
            }
            return text;
        }

        private String matching(Object value, String pointer, Pattern pattern, String expected) {
            String text = string(value, pointer);
            if (text != null && !pattern.matcher(text).matches()) {
                violations.add(new Violation(pointer, "'" + text + "' is not " + expected));
                return null;
            }
            return text;
        }

        private Integer integer(Object value, String pointer, int min, int max, String meaning) {
            if (value == null) {
                return null;
            }
            if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger || value instanceof Short)) {
                violations.add(new Violation(pointer, "must be a whole number (" + meaning + "), got " + typeOf(value)));
                return null;
            }
            BigInteger number = new BigInteger(value.toString());
            if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
                violations.add(new Violation(pointer, "is " + number + "; it must be " + min + " to " + max + " (" + meaning + ")"));
                return null;
            }
            return number.intValue();
        }

        private static boolean validLabelKey(String key) {
            int slash = key.indexOf('/');
            if (slash < 0) {
                return LABEL_NAME.matcher(key).matches();
            }
            return DNS_1123_SUBDOMAIN.matcher(key.substring(0, slash)).matches()
                    && LABEL_NAME.matcher(key.substring(slash + 1)).matches();
        }

        private static String typeOf(Object value) {
            return switch (value) {
                case null -> "null";
                case String s -> "a string";
                case Boolean b -> "a boolean";
                case Integer i -> "a number";
                case Long l -> "a number";
                case BigInteger b -> "a number";
                case Number n -> "a decimal number";
                case List<?> l -> "a list";
                case Map<?, ?> m -> "an object";
                default -> value.getClass().getSimpleName();
            };
        }
    }
}
