package io.corvus.provisioner.adapter.aliyun;

import io.corvus.provisioner.app.CloudException;

/** Where the AccessKey of a cluster comes from: a Kubernetes Secret or the environment, never an event. */
@FunctionalInterface
public interface CredentialSource {

    /** @throws CloudException of kind CREDENTIALS, saying where credentials were looked for, when there are none */
    AliyunCredentials forCluster(String clusterId) throws CloudException;
}
