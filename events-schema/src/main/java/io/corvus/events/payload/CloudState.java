package io.corvus.events.payload;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.corvus.events.Raven;

/**
 * A cluster's current cloud resources ({@code corvus.cloud-state.v1}, key {@code clusterId}): the
 * values of ConfigMap {@code kube-system/raven-cfg}. An absent resource is an empty string, as in
 * raven-cfg.
 *
 * @param eipBandwidthMbps the EIP bandwidth Corvus itself set last, or null when unknown (events written
 *                         before this field existed): a bandwidth that differs from it is a user's resize,
 *                         which the provisioner leaves alone. Not a raven-cfg key.
 */
public record CloudState(
        String clusterId,
        long configRevision,
        String provider,
        String aclId,
        String aclEntry,
        String eipId,
        String eipIp,
        boolean enableL3Tunnel,
        boolean enableL7Proxy,
        String loadBalancerId,
        String loadBalancerIp,
        Integer eipBandwidthMbps,
        Instant updatedAt) implements CorvusEvent {

    public CloudState {
        Checks.clusterId(clusterId);
        Checks.atLeast(configRevision, 0, "configRevision");
        Checks.text(provider, "provider");
        aclId = orEmpty(aclId);
        aclEntry = orEmpty(aclEntry);
        eipId = orEmpty(eipId);
        eipIp = orEmpty(eipIp);
        loadBalancerId = orEmpty(loadBalancerId);
        loadBalancerIp = orEmpty(loadBalancerIp);
        if (eipBandwidthMbps != null) {
            Checks.atLeast(eipBandwidthMbps, 1, "eipBandwidthMbps");
        }
        Checks.present(updatedAt, "updatedAt");
    }

    /** The eight keys of {@code kube-system/raven-cfg}, spelled as Raven spells them. */
    public Map<String, String> ravenConfig() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(Raven.CFG_ACL_ID, aclId);
        data.put(Raven.CFG_ACL_ENTRY, aclEntry);
        data.put(Raven.CFG_EIP_ID, eipId);
        data.put(Raven.CFG_EIP_IP, eipIp);
        data.put(Raven.CFG_ENABLE_L3_TUNNEL, String.valueOf(enableL3Tunnel));
        data.put(Raven.CFG_ENABLE_L7_PROXY, String.valueOf(enableL7Proxy));
        data.put(Raven.CFG_LOADBALANCER_ID, loadBalancerId);
        data.put(Raven.CFG_LOADBALANCER_IP, loadBalancerIp);
        return data;
    }

    @Override
    public String recordKey() {
        return clusterId;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
