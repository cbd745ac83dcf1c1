package io.corvus.elector.app;

/** Where node sources (Kubernetes informers, a static inventory) report the nodes they see. */
public interface NodeReports {

    /** A node was seen, new or changed; reporting it again unchanged publishes nothing. */
    void upsert(NodeInventory.SourceNode node);

    /** A node is gone. */
    void remove(String clusterId, String name);
}
