package io.corvus.provisioner.adapter.local;

import io.corvus.events.payload.CloudState;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;
import jakarta.inject.Singleton;

/**
 * Provider {@code local}: the embedded {@link LocalCloud}, no account needed. Its state lives in
 * the topics: what this process does not hold yet is restored from the recorded cloud state.
 */
@Singleton
public final class LocalCloudProvider implements CloudProvider {

    private final LocalCloud cloud;

    public LocalCloudProvider() {
        this(new LocalCloud());
    }

    public LocalCloudProvider(LocalCloud cloud) {
        this.cloud = cloud;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public ObservedCloud observe(DesiredCloud cluster, CloudState recorded) {
        if (recorded != null && recorded.provider().equals(name())) {
            cloud.restore(recorded);
        }
        return cloud.observe(cluster.clusterId());
    }

    @Override
    public void execute(DesiredCloud cluster, CloudAction action) {
        cloud.execute(cluster.clusterId(), action);
    }
}
