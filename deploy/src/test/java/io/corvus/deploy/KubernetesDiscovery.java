package io.corvus.deploy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corvus.events.Json;
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
        ObjectNode versions = Json.mapper().createObjectNode().put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        versions.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1:443");
        answer(server, "/api", versions);

        ObjectNode groups = Json.mapper().createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groupList = groups.putArray("groups");
        RESOURCES.keySet().stream().filter(groupVersion -> groupVersion.contains("/")).forEach(groupVersion -> {
            ObjectNode version = Json.mapper().createObjectNode().put("groupVersion", groupVersion)
                    .put("version", groupVersion.substring(groupVersion.indexOf('/') + 1));
            ObjectNode group = groupList.addObject().put("name", groupVersion.substring(0, groupVersion.indexOf('/')));
            group.putArray("versions").add(version);
            group.set("preferredVersion", version);
        });
        answer(server, "/apis", groups);

        RESOURCES.forEach((groupVersion, resources) -> {
            ObjectNode list = Json.mapper().createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                    .put("groupVersion", groupVersion);
            ArrayNode items = list.putArray("resources");
            for (String[] resource : resources) {
                ObjectNode item = items.addObject().put("name", resource[0]).put("singularName", "")
                        .put("namespaced", Boolean.parseBoolean(resource[2])).put("kind", resource[1]);
                item.putArray("verbs").add("create").add("delete").add("get").add("list").add("patch").add("update").add("watch");
            }
            answer(server, (groupVersion.equals("v1") ? "/api/" : "/apis/") + groupVersion, list);
        });
    }

    /** The test server matches the query too: Helm's client asks with a timeout. */
    private static void answer(KubernetesMockServer server, String path, ObjectNode body) {
        for (String asked : new String[] {path, path + "?timeout=32s"}) {
            server.expect().get().withPath(asked).andReturn(200, body.toString()).always();
        }
    }
}
