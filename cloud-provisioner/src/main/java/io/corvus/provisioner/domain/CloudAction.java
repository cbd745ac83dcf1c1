package io.corvus.provisioner.domain;

import java.util.List;

/** One call the provider makes to move the cloud towards the desired state. */
public sealed interface CloudAction {

    record CreateLoadBalancer(String name) implements CloudAction { }

    record AllocateEip(String description, int bandwidthMbps, String chargeType) implements CloudAction { }

    record AssociateEip(String eipId, String loadBalancerId) implements CloudAction { }

    /** Changes the EIP's bandwidth to the configured value (only when we set the old one). */
    record ModifyEipBandwidth(String eipId, int bandwidthMbps) implements CloudAction { }

    record CreateAcl(String name) implements CloudAction { }

    /** At most 50 entries per call, as the CLB API allows. */
    record AddAclEntries(String aclId, List<String> entries) implements CloudAction { }

    record RemoveAclEntries(String aclId, List<String> entries) implements CloudAction { }

    /** Creates a listener, bound to the ACL as a whitelist when there is one. */
    record CreateListener(String loadBalancerId, int port, String protocol, String aclId) implements CloudAction { }

    record SetListenerAcl(String loadBalancerId, int port, String protocol, String aclId) implements CloudAction { }

    record StartListener(String loadBalancerId, int port, String protocol) implements CloudAction { }

    record DeleteListener(String loadBalancerId, int port, String protocol) implements CloudAction { }

    /** @param backends the private addresses of the servers the load balancer should forward to */
    record SetBackends(String loadBalancerId, List<String> backends) implements CloudAction { }

    record UnassociateEip(String eipId, String loadBalancerId) implements CloudAction { }

    record ReleaseEip(String eipId) implements CloudAction { }

    record DeleteAcl(String aclId) implements CloudAction { }

    record DisableDeleteProtection(String loadBalancerId) implements CloudAction { }

    record DeleteLoadBalancer(String loadBalancerId) implements CloudAction { }
}
