package io.corvus.deploy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The API discovery documents of a real API server for the kinds the chart installs, served by
 * the Kubernetes test server: Helm maps each object to its resource through them before it
 * creates anything, and the test server in CRUD mode answers discovery with empty lists.
 */
final class KubernetesDiscovery {

    /** group/version to its resources: name, kind, namespaced. */
    private static final Map<String, List<String[]>> RESOURCES = Map.of(
            "v1", List.of(
                    new String[] {"configmaps", "ConfigMap", "true"}, new String[] {"secrets", "Secret", "true"},
                    new String[] {"services", "Service", "true"}, new String[] {"serviceaccounts", "ServiceAccount", "true"},
                    new String[] {"pods", "Pod", "true"}, new String[] {"events", "Event", "true"},
                    new String[] {"namespaces", "Namespace", "false"}, new String[] {"nodes", "Node", "false"}),
            "apps/v1", List.of(new String[] {"deployments", "Deployment", "true"}, new String[] {"daemonsets", "DaemonSet", "true"},
                    new String[] {"statefulsets", "StatefulSet", "true"}),
            "policy/v1", List.<String[]>of(new String[] {"poddisruptionbudgets", "PodDisruptionBudget", "true"}),
            "rbac.authorization.k8s.io/v1", List.of(new String[] {"roles", "Role", "true"}, new String[] {"rolebindings", "RoleBinding", "true"},
                    new String[] {"clusterroles", "ClusterRole", "false"}, new String[] {"clusterrolebindings", "ClusterRoleBinding", "false"}),
            "certificates.k8s.io/v1", List.<String[]>of(new String[] {"certificatesigningrequests", "CertificateSigningRequest", "false"}));

    private KubernetesDiscovery() {
    }

    static void serve(KubernetesMockServer server) {
        answer(server, "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
                + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:443\"}]}");
        StringBuilder groups = new StringBuilder("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
        RESOURCES.keySet().stream().filter(groupVersion -> groupVersion.contains("/")).forEach(groupVersion -> {
            String group = groupVersion.substring(0, groupVersion.indexOf('/'));
            String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
            groups.append(groups.charAt(groups.length() - 1) == '[' ? "" : ",").append("{\"name\":\"").append(group)
                    .append("\",\"versions\":[{\"groupVersion\":\"").append(groupVersion).append("\",\"version\":\"").append(version)
                    .append("\"}],\"preferredVersion\":{\"groupVersion\":\"").append(groupVersion).append("\",\"version\":\"")
                    .append(version).append("\"}}");
        });
        answer(server, "/apis", groups.append("]}").toString());
        RESOURCES.forEach((groupVersion, resources) -> {
            StringBuilder list = new StringBuilder("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"")
                    .append(groupVersion).append("\",\"resources\":[");
            for (String[] resource : resources) {
                list.append(list.charAt(list.length() - 1) == '[' ? "" : ",").append("{\"name\":\"").append(resource[0])
                        .append("\",\"singularName\":\"\",\"namespaced\":").append(resource[2]).append(",\"kind\":\"").append(resource[1])
                        .append("\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}");
            }
            answer(server, (groupVersion.equals("v1") ? "/api/" : "/apis/") + groupVersion, list.append("]}").toString());
        });
    }

    /** The test server matches the query too: Helm's client asks with a timeout. */
    private static void answer(KubernetesMockServer server, String path, String body) {
        for (String asked : new String[] {path, path + "?timeout=32s"}) {
            server.expect().get().withPath(asked).andReturn(200, body).always();
        }
    }
}
