package io.corvus.provisioner;

import io.corvus.events.payload.CloudState;
import io.corvus.provisioner.app.CloudException;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;

/** A provider that passes every call on: tests override the one call whose fault they inject. */
public abstract class ForwardingProvider implements CloudProvider {

    private final CloudProvider delegate;

    protected ForwardingProvider(CloudProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ObservedCloud observe(DesiredCloud cluster, CloudState recorded) throws CloudException {
        return delegate.observe(cluster, recorded);
    }

    @Override
    public void execute(DesiredCloud cluster, CloudAction action) throws CloudException {
        delegate.execute(cluster, action);
    }
}
