package io.corvus.provisioner.adapter.local;

import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.ObservedCloud;

/** Provider {@code local}: the embedded {@link LocalCloud}, no account needed. */
public final class LocalCloudProvider implements CloudProvider {

    private final LocalCloud cloud;

    public LocalCloudProvider(LocalCloud cloud) {
        this.cloud = cloud;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public ObservedCloud observe(String clusterId) {
        return cloud.observe(clusterId);
    }

    @Override
    public void execute(String clusterId, CloudAction action) {
        cloud.execute(clusterId, action);
    }
}
