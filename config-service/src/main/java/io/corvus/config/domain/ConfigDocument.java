package io.corvus.config.domain;

import java.util.LinkedHashMap;
import java.util.Map;

import io.corvus.events.payload.NetworkConfig;

/**
 * A configuration as the document users read and write: the same shape {@link ConfigValidator}
 * accepts, so that what GET returns can be changed and written back.
 */
public final class ConfigDocument {

    private ConfigDocument() {
    }

    public static Map<String, Object> of(NetworkConfig config) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("proxy", Map.of("enabled", config.proxy().enabled()));
        document.put("tunnel", Map.of("enabled", config.tunnel().enabled(), "vni", config.tunnel().vni(),
                "flatNetwork", config.tunnel().flatNetwork()));
        document.put("accessControlList", config.accessControlList());
        Map<String, Object> pools = new LinkedHashMap<>();
        config.nodePools().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(pool -> pools.put(pool.getKey(),
                Map.of("proxyReplicas", pool.getValue().proxyReplicas(), "tunnelReplicas", pool.getValue().tunnelReplicas())));
        document.put("nodePools", pools);
        document.put("nodeLabels", Map.of("nodePoolKey", config.nodeLabels().nodePoolKey(),
                "edgeNodeLabel", config.nodeLabels().edgeNodeLabel()));
        Map<String, Object> cloud = new LinkedHashMap<>();
        cloud.put("provider", config.cloud().provider());
        putIfPresent(cloud, "regionId", config.cloud().regionId());
        putIfPresent(cloud, "vpcId", config.cloud().vpcId());
        putIfPresent(cloud, "vSwitchId", config.cloud().vSwitchId());
        cloud.put("eipBandwidthMbps", config.cloud().eipBandwidthMbps());
        putIfPresent(cloud, "eipChargeType", config.cloud().eipChargeType());
        document.put("cloud", cloud);
        return document;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
