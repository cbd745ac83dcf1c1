package io.corvus.provisioner.boot;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How many clusters the provisioner reconciles at once. */
@ConfigMapping(prefix = "corvus.provisioner")
public interface ProvisionerSettings {

    /** Clusters reconciled at the same time (each by one worker; a cluster never by two, and one that hangs holds up no other). */
    @WithDefault("4")
    int workers();
}
